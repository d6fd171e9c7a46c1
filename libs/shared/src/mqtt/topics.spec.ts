import { isResponseTopic, isStationEventsTopic, parseEvseStatusTopic, parsePresenceTopic, resourceOfRequest, Resource, StationAction, topicMatches, Topics } from './topics.js';

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

  it('builds and reads the charger status and station event topics', () => {
    expect(Topics.evseStatus('BR-FSA', 'FSA-001', 'FSA-001-E1')).toBe('station/BR-FSA/FSA-001/evse/FSA-001-E1/status');
    expect(parseEvseStatusTopic('station/BR-FSA/FSA-001/evse/FSA-001-E1/status')).toEqual({ operatorId: 'BR-FSA', stationId: 'FSA-001', evseUid: 'FSA-001-E1' });
    expect(parseEvseStatusTopic('station/BR-FSA/FSA-001/evse/status')).toBeUndefined();
    expect(Topics.stationEvents('BR-FSA', 'FSA-001')).toBe('client/postos/events/BR-FSA/FSA-001');
    expect(isStationEventsTopic('client/postos/events/BR-FSA/FSA-001')).toBe(true);
    expect(isStationEventsTopic('client/postos/events/BR-FSA')).toBe(false);
    expect(resourceOfRequest(Topics.stationCommand('BR-FSA', StationAction.Search))).toBe('postos');
  });

  it('matches topics against filters with + and #', () => {
    expect(topicMatches('client/postos/events/+/+', 'client/postos/events/BR-FSA/FSA-001')).toBe(true);
    expect(topicMatches('client/postos/events/+/+', 'client/postos/events/BR-FSA')).toBe(false);
    expect(topicMatches('client/postos/events/+/+', 'client/postos/events/BR-FSA/FSA-001/x')).toBe(false);
    expect(topicMatches('station/#', 'station/BR-FSA/FSA-001/evse/E1/status')).toBe(true);
    expect(topicMatches('station/BR-FSA/+/evse/+/status', 'station/BR-SSA/SSA-001/evse/E1/status')).toBe(false);
  });
});
