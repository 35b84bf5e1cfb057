// Issue 5, figure 3: a take moves the camera, the product card, the "explaining"
// metadata and the teleprompter on the same programme frame. Read back from a real
// nginx-rtmp: the camera from the decoded pixels (identity block), the card from the
// decoded pixels of its region, the metadata by the independent probe (SEI), and the
// teleprompter from the state every client follows (the frame the take is on air from).
import type { CommerceMetadata } from '../src/shared/commerceMetadata';
import { overlayLayout } from '../src/main/commerce/graphics/overlayLayout';
import { createMemoryLogger } from '../src/main/engine/logger';
import { RtmpPublisher } from '../src/main/engine/outputs/rtmp/rtmpPublisher';
import { probeMetadata, type ProbeMessage } from '../src/main/studio/metadataProbe';
import { startNginxRtmp } from '../test/support/nginxRtmp';
import { classifyIdentity, startProgramReader } from '../test/support/programReader';
import { benchShow, benchStudio, CAMERA_COLOURS, sleep, waitFor } from './support';

export interface TakeFrameResult {
  readonly takes: number;
  /** Per take: frames between the answered frame and what the stream shows. */
  readonly cameraOffsets: readonly (number | null)[];
  readonly cardOffsets: readonly (number | null)[];
  readonly metadataOffsets: readonly (number | null)[];
  /** Takes whose on-air state (what the teleprompter follows) named the same frame. */
  readonly teleprompterOnFrame: number;
}

const SEGMENTS = [
  { id: 'seg-ring', sku: 'T-RING', title: 'Solitaire ring', image: 'images/solitaire-ring.jpg', camera: 1 },
  { id: 'seg-pearl', sku: 'T-PEARL', title: 'Pearl necklace', image: 'images/pearl-strand.jpg', camera: 2 },
  { id: 'seg-pendant', sku: 'T-PEND', title: 'Sapphire pendant', image: 'images/sapphire-pendant.jpg', camera: 0 },
  { id: 'seg-band', sku: 'T-BAND', title: 'Eternity band', image: 'images/eternity-band.jpg', camera: 1 },
];

/** A 6x3 grid of mean luma over the card's region: changes when the card appears or changes. */
function cardSampler(width: number, height: number): (frame: Buffer) => number[] {
  const { card } = overlayLayout({ width, height });
  return (frame) => {
    const cells: number[] = [];
    for (let gy = 0; gy < 3; gy++) {
      for (let gx = 0; gx < 6; gx++) {
        let sum = 0;
        let n = 0;
        for (let y = card.y + Math.floor(((gy + 0.2) * card.height) / 3); y < card.y + Math.floor(((gy + 0.8) * card.height) / 3); y += 2) {
          for (let x = card.x + Math.floor(((gx + 0.2) * card.width) / 6); x < card.x + Math.floor(((gx + 0.8) * card.width) / 6); x += 2) {
            sum += frame[y * width + x]!;
            n++;
          }
        }
        cells.push(n ? sum / n : 0);
      }
    }
    return cells;
  };
}

const distance = (a: readonly number[] | undefined, b: readonly number[] | undefined): number =>
  a && b ? Math.max(...a.map((v, i) => Math.abs(v - b[i]!))) : 0;

export async function runTakeFrame(options: { width?: number; height?: number } = {}): Promise<TakeFrameResult> {
  // Portrait: the card sits above the lower third, clear of the cameras' identity block.
  const canvas = { width: options.width ?? 540, height: options.height ?? 960, fps: 30 } as const;
  const nginx = await startNginxRtmp();
  const { studio } = await benchStudio({ ...benchShow(canvas), encoder: { ...benchShow(canvas).encoder, keyframeIntervalSec: 1 } });
  const publisher = new RtmpPublisher({ name: 'bench nginx', url: nginx.url, streamKey: 'take', logger: createMemoryLogger() });
  let reader: ReturnType<typeof startProgramReader> | null = null;
  let probe: Promise<unknown> | null = null;
  try {
    const rundown = {
      version: 1,
      title: 'Take test',
      segments: SEGMENTS.map((s) => ({ id: s.id, sku: s.sku, title: s.title, price: 100, currency: 'EUR', stock: 10, images: [s.image], input: `src-${s.camera + 1}`, targetDurationSec: 60 })),
    };
    await studio.request('rundown:import', { format: 'json', text: JSON.stringify(rundown) });
    await waitFor(() => SEGMENTS.every((s) => studio.commerce.runner.thumbnailFile(s.id) !== null), 20_000, 'product images prepared');
    await waitFor(() => studio.snapshot().sources.every((s) => s.state === 'live'), 20_000, 'cameras live');
    const frameByDts = new Map<number, number>();
    studio.metadata.addSink({ onConfig: () => undefined, onFrame: (f) => f.type === 'video' && void frameByDts.set(f.dtsMs, f.frame) });
    studio.metadata.addSink(publisher);
    publisher.start();
    await waitFor(() => publisher.state === 'live', 15_000, 'publisher live on nginx');
    const url = `${nginx.url}/take`;
    reader = startProgramReader({ url, width: canvas.width, height: canvas.height, sample: cardSampler(canvas.width, canvas.height) });
    const messages: ProbeMessage[] = [];
    const abort = new AbortController();
    probe = probeMetadata({ input: url, signal: abort.signal, onMessage: (m) => messages.push(m) }).catch((err: Error) => err);
    const r = reader;
    await waitFor(() => r.frames.length >= canvas.fps, 20_000, 'the reader to decode a second of programme');
    await sleep(1500);

    const takes: { frame: number; segment: (typeof SEGMENTS)[number]; teleprompterFrame: number | null }[] = [];
    for (const segment of SEGMENTS) {
      const { frame } = (await studio.request('rundown:take', { id: segment.id })) as { frame: number };
      const onAir = studio.snapshot().commerce.rundown.onAir;
      takes.push({ frame, segment, teleprompterFrame: onAir?.id === segment.id ? onAir.takenOnFrame : null });
      await sleep(1200 + Math.random() * 400);
    }
    await sleep(2000);
    await reader.stop();
    abort.abort();
    await probe;

    const origin = publisher.timelineOriginMs;
    if (origin === null) throw new Error('publisher has no timeline origin');
    const byFrame = new Map<number, { camera: number; card: readonly number[] | undefined }>();
    for (const f of reader.frames) {
      const n = frameByDts.get(f.ptsMs + origin);
      if (n !== undefined) byFrame.set(n, { camera: classifyIdentity(f.identity, CAMERA_COLOURS), card: f.sample });
    }
    const firstWhere = (from: number, to: number, test: (n: number) => boolean): number | null => {
      for (let n = from; n <= to; n++) if (byFrame.has(n) && test(n)) return n;
      return null;
    };
    const cameraOffsets = takes.map(({ frame, segment }) => {
      const first = firstWhere(frame - 5, frame + 10, (n) => byFrame.get(n)!.camera === segment.camera);
      return first === null ? null : first - frame;
    });
    // The first frame that looks like the card the take put up (its region as it is once
    // settled, 10 frames on) more than like what was there before: the first seconds
    // of a stream move by up to ~40 luma while the encoder's rate control settles, so
    // "changed from the frame before" would fire early; "nearer the card than the
    // picture before it" does not.
    const cardOffsets = takes.map(({ frame }) => {
      const before = byFrame.get(frame - 6)?.card;
      const after = byFrame.get(frame + 10)?.card;
      const midway = distance(before, after) / 2;
      if (!before || !after || midway < 6) return null;
      const first = firstWhere(frame - 5, frame + 10, (n) => distance(byFrame.get(n)!.card, after) < midway);
      return first === null ? null : first - frame;
    });
    const started = messages.filter((m) => m.source === 'sei' && (m.payload as CommerceMetadata).kind === 'explaining' && (m.payload as CommerceMetadata).explaining === 'started');
    const metadataOffsets = takes.map(({ frame, segment }) => {
      const sei = started.find((m) => (m.payload as CommerceMetadata).segment === segment.id);
      const carrier = sei && frameByDts.get(sei.ptsMs + origin);
      return carrier === undefined || carrier === null ? null : carrier - frame;
    });
    return {
      takes: takes.length,
      cameraOffsets,
      cardOffsets,
      metadataOffsets,
      teleprompterOnFrame: takes.filter((t) => t.teleprompterFrame === t.frame).length,
    };
  } finally {
    await reader?.stop();
    await publisher.stop();
    await studio.dispose();
    await nginx.stop();
    await probe;
  }
}
