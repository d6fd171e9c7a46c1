import { PresenceRegistry } from './presence.registry.js';

const GONE = Buffer.alloc(0);

function online(operatorId: string, instanceId: string, operatorName = `${operatorId} Energia`): Buffer {
  return Buffer.from(
    JSON.stringify({ operator_id: operatorId, operator_name: operatorName, instance_id: instanceId, started_at: '2026-11-20T10:00:00Z' }),
  );
}

describe('PresenceRegistry', () => {
  let registry: PresenceRegistry;

  beforeEach(() => {
    registry = new PresenceRegistry();
  });

  it('knows no operator before any presence message', () => {
    expect(registry.liveOperators()).toEqual([]);
    expect(registry.offlineOperators()).toEqual([]);
    expect(registry.isLive('BR-FSA')).toBe(false);
    expect(registry.instanceCount('BR-FSA')).toBe(0);
    expect(registry.operatorName('BR-FSA')).toBeUndefined();
  });

  it('marks an operator live when an instance appears and offline (but known) when it goes', () => {
    registry.update('BR-FSA', 'i-1', online('BR-FSA', 'i-1'));
    expect(registry.isLive('BR-FSA')).toBe(true);
    expect(registry.instanceCount('BR-FSA')).toBe(1);
    expect(registry.liveOperators()).toEqual(['BR-FSA']);
    expect(registry.offlineOperators()).toEqual([]);

    registry.update('BR-FSA', 'i-1', GONE);
    expect(registry.isLive('BR-FSA')).toBe(false);
    expect(registry.instanceCount('BR-FSA')).toBe(0);
    expect(registry.liveOperators()).toEqual([]);
    expect(registry.offlineOperators()).toEqual(['BR-FSA']);
  });

  it('keeps operators apart', () => {
    registry.update('BR-FSA', 'i-1', online('BR-FSA', 'i-1'));
    registry.update('BR-SSA', 'i-2', online('BR-SSA', 'i-2'));
    registry.update('BR-SSA', 'i-2', GONE);
    expect(registry.liveOperators()).toEqual(['BR-FSA']);
    expect(registry.offlineOperators()).toEqual(['BR-SSA']);
  });

  it('keeps an operator with two instances live until both are gone', () => {
    registry.update('BR-FSA', 'i-1', online('BR-FSA', 'i-1'));
    registry.update('BR-FSA', 'i-2', online('BR-FSA', 'i-2'));
    expect(registry.instanceCount('BR-FSA')).toBe(2);

    registry.update('BR-FSA', 'i-1', GONE);
    expect(registry.isLive('BR-FSA')).toBe(true);
    expect(registry.instanceCount('BR-FSA')).toBe(1);
    expect(registry.liveOperators()).toEqual(['BR-FSA']);

    registry.update('BR-FSA', 'i-2', GONE);
    expect(registry.isLive('BR-FSA')).toBe(false);
    expect(registry.offlineOperators()).toEqual(['BR-FSA']);
  });

  it('counts a repeated presence message of one instance once', () => {
    registry.update('BR-FSA', 'i-1', online('BR-FSA', 'i-1'));
    registry.update('BR-FSA', 'i-1', online('BR-FSA', 'i-1'));
    expect(registry.instanceCount('BR-FSA')).toBe(1);
    registry.update('BR-FSA', 'i-1', GONE);
    expect(registry.isLive('BR-FSA')).toBe(false);
  });

  it('takes the operator name from the JSON payload and keeps it after the operator goes offline', () => {
    registry.update('BR-FSA', 'i-1', online('BR-FSA', 'i-1', 'Feira Energia'));
    expect(registry.operatorName('BR-FSA')).toBe('Feira Energia');
    registry.update('BR-FSA', 'i-2', online('BR-FSA', 'i-2', 'Feira Energia S.A.'));
    expect(registry.operatorName('BR-FSA')).toBe('Feira Energia S.A.');
    registry.update('BR-FSA', 'i-1', GONE);
    registry.update('BR-FSA', 'i-2', GONE);
    expect(registry.operatorName('BR-FSA')).toBe('Feira Energia S.A.');
    expect(registry.operatorName('BR-SSA')).toBeUndefined();
  });

  it('counts a payload that is not JSON (or not an object) as an instance without a name', () => {
    registry.update('BR-FSA', 'i-1', Buffer.from('not json {'));
    expect(registry.isLive('BR-FSA')).toBe(true);
    expect(registry.instanceCount('BR-FSA')).toBe(1);
    expect(registry.operatorName('BR-FSA')).toBeUndefined();

    registry.update('BR-FSA', 'i-2', Buffer.from('"a string"'));
    expect(registry.instanceCount('BR-FSA')).toBe(2);
    expect(registry.operatorName('BR-FSA')).toBeUndefined();
  });

  it('calls onChange listeners only on live <-> offline transitions', () => {
    const calls: Array<[string, boolean]> = [];
    registry.onChange((operatorId, live) => calls.push([operatorId, live]));

    registry.update('BR-FSA', 'i-1', online('BR-FSA', 'i-1'));
    expect(calls).toEqual([['BR-FSA', true]]);

    registry.update('BR-FSA', 'i-2', online('BR-FSA', 'i-2'));
    registry.update('BR-FSA', 'i-1', online('BR-FSA', 'i-1'));
    registry.update('BR-FSA', 'i-1', GONE);
    expect(calls).toEqual([['BR-FSA', true]]);

    registry.update('BR-FSA', 'i-2', GONE);
    expect(calls).toEqual([
      ['BR-FSA', true],
      ['BR-FSA', false],
    ]);

    registry.update('BR-FSA', 'i-2', GONE);
    registry.update('BR-SSA', 'i-9', GONE);
    expect(calls).toHaveLength(2);
  });

  it('stops calling a listener once it is unsubscribed, and keeps calling the others', () => {
    const first: boolean[] = [];
    const second: boolean[] = [];
    const unsubscribe = registry.onChange((_, live) => first.push(live));
    registry.onChange((_, live) => second.push(live));

    registry.update('BR-FSA', 'i-1', online('BR-FSA', 'i-1'));
    unsubscribe();
    registry.update('BR-FSA', 'i-1', GONE);

    expect(first).toEqual([true]);
    expect(second).toEqual([true, false]);
  });

  it('clearInstances marks every operator offline but keeps it known, telling listeners about live ones only', () => {
    registry.update('BR-FSA', 'i-1', online('BR-FSA', 'i-1', 'Feira Energia'));
    registry.update('BR-FSA', 'i-2', online('BR-FSA', 'i-2', 'Feira Energia'));
    registry.update('BR-SSA', 'i-3', online('BR-SSA', 'i-3'));
    registry.update('BR-VDC', 'i-4', online('BR-VDC', 'i-4'));
    registry.update('BR-VDC', 'i-4', GONE);
    const calls: Array<[string, boolean]> = [];
    registry.onChange((operatorId, live) => calls.push([operatorId, live]));

    registry.clearInstances();

    expect(registry.liveOperators()).toEqual([]);
    expect(registry.offlineOperators().sort()).toEqual(['BR-FSA', 'BR-SSA', 'BR-VDC']);
    expect(registry.instanceCount('BR-FSA')).toBe(0);
    expect(registry.operatorName('BR-FSA')).toBe('Feira Energia');
    expect(calls.sort()).toEqual([
      ['BR-FSA', false],
      ['BR-SSA', false],
    ]);

    registry.update('BR-FSA', 'i-1', online('BR-FSA', 'i-1'));
    expect(registry.liveOperators()).toEqual(['BR-FSA']);
    expect(calls).toContainEqual(['BR-FSA', true]);
  });
});
