import { request, type ClientRequest } from 'node:http';
import { eventually } from './eventually.js';

export interface SseMessage {
  id?: string;
  event?: string;
  data: string;
}

/** An open Server-Sent Events stream: messages as they arrive, comment lines counted. */
export interface SseStream {
  status: number;
  messages: SseMessage[];
  comments: number;
  /** Messages whose data parsed as JSON. */
  json<T>(): T[];
  closed: Promise<void>;
  close(): void;
}

/** Opens `url` as an event stream (node:http, so many can be open at once) and parses what it sends. */
export function openStream(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  return new Promise((resolve, reject) => {
    let req: ClientRequest | undefined = undefined;
    req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      let buffer = '';
      let resolveClosed!: () => void;
      const stream: SseStream = {
        status: res.statusCode ?? 0,
        messages: [],
        comments: 0,
        json: <T>() => stream.messages.map((message) => JSON.parse(message.data) as T),
        closed: new Promise<void>((done) => (resolveClosed = done)),
        close: () => req?.destroy(),
      };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const message: SseMessage = { data: '' };
          let hasData = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) stream.comments++;
            else if (line.startsWith('id: ')) message.id = line.slice(4);
            else if (line.startsWith('event: ')) message.event = line.slice(7);
            else if (line.startsWith('data: ')) {
              message.data += line.slice(6);
              hasData = true;
            }
          }
          if (hasData) stream.messages.push(message);
        }
      });
      res.on('close', resolveClosed);
      res.on('error', () => undefined);
      resolve(stream);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Waits until the stream holds a message that `match` accepts, and returns it. */
export function nextMatching<T>(stream: SseStream, match: (event: T) => boolean, timeoutMs = 15_000): Promise<T> {
  return eventually(() => {
    const found = stream.json<T>().find(match);
    if (!found) throw new Error(`no matching event among ${stream.messages.length}`);
    return found;
  }, timeoutMs);
}
