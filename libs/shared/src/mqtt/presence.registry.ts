import type { PresenceMessage } from '../dto/presence.dto.js';

type Listener = (operatorId: string, live: boolean) => void;

/**
 * Which operators have at least one server replica online, as told by the retained presence
 * topics. Operators seen once stay known, so a request can report them as offline.
 */
export class PresenceRegistry {
  private readonly instances = new Map<string, Map<string, PresenceMessage | null>>();
  private readonly names = new Map<string, string>();
  private readonly listeners = new Set<Listener>();

  /** Applies one presence message; an empty payload means the instance is gone. */
  update(operatorId: string, instanceId: string, payload: Buffer): void {
    const wasLive = this.isLive(operatorId);
    let byInstance = this.instances.get(operatorId);
    if (!byInstance) {
      byInstance = new Map();
      this.instances.set(operatorId, byInstance);
    }
    if (payload.length === 0) {
      byInstance.delete(instanceId);
    } else {
      const message = parsePresence(payload);
      byInstance.set(instanceId, message);
      if (message?.operator_name) this.names.set(operatorId, message.operator_name);
    }
    const live = this.isLive(operatorId);
    if (live !== wasLive) this.listeners.forEach((listener) => listener(operatorId, live));
  }

  /** Forgets every instance (the connection dropped: retained messages will be sent again). */
  clearInstances(): void {
    for (const [operatorId, byInstance] of this.instances) {
      const wasLive = byInstance.size > 0;
      byInstance.clear();
      if (wasLive) this.listeners.forEach((listener) => listener(operatorId, false));
    }
  }

  isLive(operatorId: string): boolean {
    return (this.instances.get(operatorId)?.size ?? 0) > 0;
  }

  liveOperators(): string[] {
    return [...this.instances].filter(([, byInstance]) => byInstance.size > 0).map(([operatorId]) => operatorId);
  }

  /** Operators seen before that have no instance online now. */
  offlineOperators(): string[] {
    return [...this.instances].filter(([, byInstance]) => byInstance.size === 0).map(([operatorId]) => operatorId);
  }

  instanceCount(operatorId: string): number {
    return this.instances.get(operatorId)?.size ?? 0;
  }

  operatorName(operatorId: string): string | undefined {
    return this.names.get(operatorId);
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

function parsePresence(payload: Buffer): PresenceMessage | null {
  try {
    const value: unknown = JSON.parse(payload.toString());
    return typeof value === 'object' && value !== null ? (value as PresenceMessage) : null;
  } catch {
    return null;
  }
}
