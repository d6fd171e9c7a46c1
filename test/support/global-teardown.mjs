export default async function globalTeardown() {
  await globalThis.embeddedBroker?.close();
}
