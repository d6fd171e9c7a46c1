export interface EmbeddedBroker {
  port: number;
  close(): Promise<void>;
}

export function startEmbeddedBroker(port: number, anyPortIfTaken?: boolean): Promise<EmbeddedBroker>;
