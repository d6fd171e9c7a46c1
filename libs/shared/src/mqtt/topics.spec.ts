import { isResponseTopic, parsePresenceTopic, resourceOfRequest, Resource, Topics } from './topics.js';

describe('topics', () => {
  it('keeps the seed topics exactly', () => {
    expect(Topics.stationsRequest).toBe('server/postos/request');
    expect(Topics.response(Resource.Stations, 'gw-1')).toBe('client/postos/response/gw-1');
  });

  it('names the resource of broadcast and operator-addressed requests', () => {
    expect(resourceOfRequest('server/postos/request')).toBe('postos');
    expect(resourceOfRequest(Topics.operatorRequest(Resource.Stations, 'BR-FSA'))).toBe('postos');
    expect(resourceOfRequest('client/postos/response/x')).toBeUndefined();
    expect(resourceOfRequest('server/postos/request/+')).toBeUndefined();
  });

  it('accepts only concrete reply topics', () => {
    expect(isResponseTopic('client/postos/response/gw-1')).toBe(true);
    expect(isResponseTopic('client/postos/response/#')).toBe(false);
    expect(isResponseTopic('server/postos/request')).toBe(false);
    expect(isResponseTopic('client/postos/response/a/b')).toBe(false);
  });

  it('parses presence topics', () => {
    expect(parsePresenceTopic(Topics.presence('BR-FSA', 'i-1'))).toEqual({ operatorId: 'BR-FSA', instanceId: 'i-1' });
    expect(parsePresenceTopic('server/status/BR-FSA')).toBeUndefined();
  });
});
