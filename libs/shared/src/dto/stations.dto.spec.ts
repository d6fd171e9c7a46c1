import { compareStationResults, decodeStationPage, encodeStationPage } from './stations.dto.js';

describe('station page format', () => {
  const entries = [
    { distance: 0.5, id: 'FSA-001', json: JSON.stringify({ distance_km: 0.5, id: 'FSA-001', name: 'Açaí, "quoted" ],"items":[' }) },
    { distance: 1.25, id: 'FSA-002', json: JSON.stringify({ distance_km: 1.25, id: 'FSA-002', evses: [{ uid: 'E1' }] }) },
  ];

  it('gives back each station as the bytes that were sent, with its key', () => {
    const page = decodeStationPage(Buffer.from(encodeStationPage(7, entries).json));
    expect(page?.total).toBe(7);
    expect(page?.entries.map((entry) => [entry.distance, entry.id, entry.json.toString()])).toEqual(entries.map((entry) => [entry.distance, entry.id, entry.json]));
  });

  it('is plain JSON for any other reader', () => {
    expect(JSON.parse(encodeStationPage(2, entries).json)).toEqual({
      total: 2,
      keys: entries.map((entry) => [entry.distance, entry.id, Buffer.byteLength(entry.json)]),
      items: entries.map((entry) => JSON.parse(entry.json) as unknown),
    });
    expect(decodeStationPage(Buffer.from(encodeStationPage(0, []).json))).toMatchObject({ total: 0, entries: [] });
  });

  it.each([
    ['not a page', '[1,2,3]'],
    ['cut short', encodeStationPage(2, entries).json.slice(0, -5)],
    ['lengths that lie', encodeStationPage(2, entries).json.replace(/,"FSA-002",(\d+)\]/, (_m, n: string) => `,"FSA-002",${Number(n) - 1}]`)],
    ['a bad header', '{"total":"2","keys":[],"items":[]}'],
    ['trailing bytes', `${encodeStationPage(2, entries).json}x`],
  ])('refuses %s', (_what, text) => {
    expect(decodeStationPage(Buffer.from(text))).toBeUndefined();
  });

  it('orders results nearest first, then by operator and id, searches without a point last', () => {
    const results = [
      { distance: null, operatorId: 'BR-FSA', id: 'B' },
      { distance: 2, operatorId: 'BR-SSA', id: 'A' },
      { distance: 2, operatorId: 'BR-FSA', id: 'Z' },
      { distance: 1, operatorId: 'BR-VDC', id: 'A' },
      { distance: null, operatorId: 'BR-FSA', id: 'A' },
    ];
    expect(results.sort(compareStationResults).map((r) => `${r.distance}/${r.operatorId}/${r.id}`)).toEqual([
      '1/BR-VDC/A',
      '2/BR-FSA/Z',
      '2/BR-SSA/A',
      'null/BR-FSA/A',
      'null/BR-FSA/B',
    ]);
  });
});
