// Container healthcheck: exits 0 when the app's health endpoint answers 200.
// client-gateway: http://127.0.0.1:$PORT/health/live; station-server: http://127.0.0.1:$HEALTH_PORT/health/ready.
const url =
  process.env.APP === 'station-server'
    ? `http://127.0.0.1:${process.env.HEALTH_PORT ?? 9100}/health/ready`
    : `http://127.0.0.1:${process.env.PORT ?? 8001}/health/live`;
fetch(url, { signal: AbortSignal.timeout(3000) }).then(
  (response) => process.exit(response.ok ? 0 : 1),
  () => process.exit(1),
);
