// The load generator of the order benchmark, a process of its own (started by
// orderLoad.ts with an IPC channel). Open loop: delivery k is due at t0 + k/rate
// whatever happened to earlier ones, and its latency is counted from that due time,
// so a stalled receiver shows up as latency instead of being hidden by a generator
// that waits for it (coordinated omission). A warm-up at the same rate comes first
// (its orders count like any other; its latency is reported apart), as a sender's
// sockets and a desk's code are warm in a show that has been running for a while.
// Keep-alive sockets, as a shop's sender,
// through the small client of orderLoadClient.ts.
import { createHmac } from 'node:crypto';
import { httpRequest, LoadClient } from './orderLoadClient';
import { BAD_ID_BASE, GOOD_ID_BASE, LOAD_SECRET, loadOrderBody } from './orderLoadOrders';

export interface GeneratorConfig {
  readonly port: number;
  readonly ratePerSec: number;
  readonly seconds: number;
  /** Deliveries at the same rate before the measured `seconds` (latency reported apart). */
  readonly warmupSeconds: number;
  readonly duplicateShare: number;
  readonly badSignatureShare: number;
  readonly sockets: number;
  /** Crash mode: deliveries that failed (refused, reset) are delivered again every 250 ms. */
  readonly redeliverFailed: boolean;
  /** Give up redelivering this long after the last first attempt. */
  readonly graceSeconds: number;
}

export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

export interface GeneratorResult {
  readonly deliveries: { readonly good: number; readonly duplicate: number; readonly badSignature: number };
  readonly statuses: Record<string, number>;
  readonly answeredAccepted: number;
  readonly answeredDuplicate: number;
  readonly failedAttempts: number;
  /** Good order numbers that got a 200 (accepted or duplicate). */
  readonly acked: number[];
  /** Good order numbers never acknowledged. */
  readonly unacked: number[];
  readonly badSent: number[];
  readonly ackedWhenKilled: number | null;
  /** Of deliveries of the measured seconds answered at the first attempt, from their due time. */
  readonly latencyMs: LatencySummary;
  /** The worst p99 of any one second of the measured run. */
  readonly worstSecondP99Ms: number;
  /** Of the warm-up's deliveries. */
  readonly warmupLatencyMs: LatencySummary;
  /** Of deliveries that needed redelivery, from the first due time to the 200. */
  readonly redeliveredLatencyMs: LatencySummary;
  readonly sendSeconds: number;
  readonly achievedRatePerSec: number;
  readonly lateSendsOver5Ms: number;
  readonly cpuPercent: number;
}

type Kind = 'good' | 'duplicate' | 'badSignature';

function summarise(values: Float64Array | number[], count: number): LatencySummary {
  const sorted = Float64Array.from(values.slice(0, count)).sort();
  const at = (q: number) => (count ? Math.round(sorted[Math.min(count - 1, Math.ceil(q * count) - 1)]! * 10) / 10 : 0);
  return { count, p50: at(0.5), p90: at(0.9), p99: at(0.99), p999: at(0.999), max: count ? Math.round(sorted[count - 1]! * 10) / 10 : 0 };
}

function measuredLatency(latency: Float64Array, second: Int32Array, count: number): Pick<GeneratorResult, 'latencyMs' | 'worstSecondP99Ms' | 'warmupLatencyMs'> {
  const warm: number[] = [];
  const measured: number[] = [];
  const perSecond = new Map<number, number[]>();
  for (let i = 0; i < count; i++) {
    if (second[i]! < 0) {
      warm.push(latency[i]!);
      continue;
    }
    measured.push(latency[i]!);
    let bucket = perSecond.get(second[i]!);
    if (!bucket) perSecond.set(second[i]!, (bucket = []));
    bucket.push(latency[i]!);
  }
  let worst = 0;
  for (const bucket of perSecond.values()) worst = Math.max(worst, summarise(bucket, bucket.length).p99);
  return { latencyMs: summarise(measured, measured.length), worstSecondP99Ms: worst, warmupLatencyMs: summarise(warm, warm.length) };
}

export async function generateLoad(config: GeneratorConfig, onKilled: (cb: () => void) => void, onStarted: () => void = () => undefined): Promise<GeneratorResult> {
  const client = new LoadClient(config.port, config.sockets);
  const warmup = Math.round(config.ratePerSec * config.warmupSeconds);
  const total = warmup + Math.round(config.ratePerSec * config.seconds);
  const firstLatency = new Float64Array(total);
  /** Second of the run (from the end of the warm-up) of each entry of firstLatency; -1 for the warm-up. */
  const firstSecond = new Int32Array(total);
  let firstCount = 0;
  const redeliveredLatency: number[] = [];
  const ackedFlags = new Uint8Array(total);
  const statuses: Record<string, number> = {};
  const deliveries = { good: 0, duplicate: 0, badSignature: 0 };
  const badSent: number[] = [];
  let answeredAccepted = 0;
  let answeredDuplicate = 0;
  let failedAttempts = 0;
  let lateSends = 0;
  let ackedWhenKilled: number | null = null;
  let ackedCount = 0;
  let inFlight = 0;
  let nGood = 0;
  let random = 0x2545f491;
  const rand = () => ((random = (Math.imul(random, 1103515245) + 12345) >>> 0) / 4294967296);
  onKilled(() => (ackedWhenKilled = ackedCount));
  let cpu0 = process.cpuUsage();

  let settle: () => void = () => undefined;
  const allDone = new Promise<void>((r) => (settle = r));
  let sendingDone = false;
  let deadline = Infinity;
  const maybeDone = () => {
    if (sendingDone && inFlight === 0) settle();
  };

  let t0 = 0;
  /** A delivery as a shop sends it: signed (or mis-signed), one buffer ready for the socket. */
  const build = (kind: Kind, n: number): Buffer => {
    const id = (kind === 'badSignature' ? BAD_ID_BASE : GOOD_ID_BASE) + n;
    const body = loadOrderBody(id, n);
    const sig = createHmac('sha256', kind === 'badSignature' ? `${LOAD_SECRET}-wrong` : LOAD_SECRET).update(body).digest('base64');
    const headers = { 'Content-Type': 'application/json', 'X-Shopify-Topic': 'orders/create', 'X-Shopify-Hmac-Sha256': sig, 'X-Shopify-Webhook-Id': `${kind}-${n}` };
    return httpRequest('/orders/shop', headers, body);
  };
  const attempt = (kind: Kind, n: number, dueAt: number, first: boolean, request: Buffer) => {
    inFlight += 1;
    const finish = (status: number, text: string) => {
      inFlight -= 1;
      const now = performance.now();
      if (status === 0) {
        failedAttempts += 1;
        if (config.redeliverFailed && now < deadline) {
          inFlight += 1; // the redelivery is pending work
          setTimeout(() => {
            inFlight -= 1;
            attempt(kind, n, dueAt, false, request);
          }, 250);
        }
        return maybeDone();
      }
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (first) {
        const k = (dueAt - t0) / 1000 - config.warmupSeconds;
        firstSecond[firstCount] = k < 0 ? -1 : Math.floor(k);
        firstLatency[firstCount++] = now - dueAt;
      }
      else redeliveredLatency.push(now - dueAt);
      if (status === 200 && kind !== 'badSignature') {
        if (text.includes('"duplicate"')) answeredDuplicate += 1;
        else answeredAccepted += 1;
        if (!ackedFlags[n]) {
          ackedFlags[n] = 1;
          ackedCount += 1;
        }
      }
      maybeDone();
    };
    client.send(request, (answer) => finish(answer.status, answer.body));
  };

  // Every delivery is built and signed before the clock starts: signing 5,000 bodies a
  // second would take a third of a core from the desk measured on the same 2 cores.
  const plan: ({ kind: Kind; n: number; request: Buffer } | null)[] = new Array(total);
  {
    let good = 0;
    let bad = 0;
    for (let i = 0; i < total; i++) {
      const r = rand();
      let kind: Kind;
      let n: number;
      if (r < config.badSignatureShare) [kind, n] = ['badSignature', bad++];
      // A redelivery of one of the last ~2000 orders, perhaps still in flight.
      else if (r < config.badSignatureShare + config.duplicateShare && good > 0) [kind, n] = ['duplicate', Math.max(0, good - 1 - Math.floor(rand() * Math.min(good, 2000)))];
      else [kind, n] = ['good', good++];
      plan[i] = { kind, n, request: build(kind, n) };
    }
  }

  await client.connectAll();
  cpu0 = process.cpuUsage();
  onStarted();
  t0 = performance.now();
  let k = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      const due = Math.min(total, Math.floor(((now - t0) * config.ratePerSec) / 1000) + 1);
      for (; k < due; k++) {
        const dueAt = t0 + (k * 1000) / config.ratePerSec;
        if (now - dueAt > 5) lateSends += 1;
        const { kind, n, request } = plan[k]!;
        plan[k] = null;
        deliveries[kind] += 1;
        if (kind === 'badSignature') badSent.push(n);
        if (kind === 'good') nGood = n + 1;
        attempt(kind, n, dueAt, true, request);
      }
      if (k >= total) return resolve();
      setTimeout(tick, 1);
    };
    tick();
  });
  const sendSeconds = (performance.now() - t0) / 1000;
  sendingDone = true;
  deadline = performance.now() + config.graceSeconds * 1000;
  maybeDone();
  await allDone;
  client.close();
  const cpu = process.cpuUsage(cpu0);
  const acked: number[] = [];
  const unacked: number[] = [];
  for (let n = 0; n < nGood; n++) (ackedFlags[n] ? acked : unacked).push(n);
  return {
    deliveries,
    statuses,
    answeredAccepted,
    answeredDuplicate,
    failedAttempts,
    acked,
    unacked,
    badSent,
    ackedWhenKilled,
    ...measuredLatency(firstLatency, firstSecond, firstCount),
    redeliveredLatencyMs: summarise(redeliveredLatency, redeliveredLatency.length),
    sendSeconds: Math.round(sendSeconds * 100) / 100,
    achievedRatePerSec: Math.round(total / sendSeconds),
    lateSendsOver5Ms: lateSends,
    cpuPercent: Math.round(((cpu.user + cpu.system) / 1e6 / ((performance.now() - t0) / 1000)) * 1000) / 10,
  };
}

// Entry point when started as the generator process.
if (process.send && process.argv[1]?.endsWith('orderLoadGenerator.ts')) {
  let onKilled: () => void = () => undefined;
  process.on('message', (msg: { type: 'run'; config: GeneratorConfig } | { type: 'killed' }) => {
    if (msg.type === 'killed') return onKilled();
    void generateLoad(
      msg.config,
      (cb) => (onKilled = cb),
      () => process.send!({ type: 'started' }),
    ).then(
      (result) => process.send!({ type: 'done', result }, () => process.disconnect()),
      (err: unknown) => process.send!({ type: 'failed', error: (err as Error).message }, () => process.disconnect()),
    );
  });
  process.on('disconnect', () => process.exit());
}
