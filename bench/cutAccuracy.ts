// Figure 1: cut accuracy. Three test-pattern cameras at 1280x720@30 are published to a
// real nginx-rtmp; a scripted sequence of cuts is read back from the server and
// decoded. Each cut must be on air on the programme frame the studio announced when it
// took the command (the first frame after it), with the old camera on the frame
// before, and the stream must have no missing or repeated programme frame. Between
// cuts, each camera's own frames (its burned-in barcode) must follow one another on
// the programme with none repeated or skipped: the frame synchroniser's job.
import { createMemoryLogger } from '../src/main/engine/logger';
import { RtmpPublisher } from '../src/main/engine/outputs/rtmp/rtmpPublisher';
import { startNginxRtmp } from '../test/support/nginxRtmp';
import { classifyIdentity, startProgramReader, type DecodedFrame } from '../test/support/programReader';
import { benchShow, benchStudio, CAMERA_COLOURS, sleep, waitFor } from './support';

export interface SourceSteps {
  readonly repeated: number;
  readonly skipped: number;
}

export interface CutAccuracyResult {
  readonly cuts: number;
  readonly cutsVerified: number;
  /** Per cut: first frame showing the new camera minus the announced frame. */
  readonly framesLate: readonly number[];
  readonly maxFramesLate: number;
  readonly wrongCameraBeforeCut: number;
  readonly programmeFramesMissing: number;
  readonly programmeFramesRepeated: number;
  readonly timestampGapsOverOneFrame: number;
  /**
   * A camera's own frames while it is on air, from its barcode: programme frames that
   * repeat the camera frame before, and camera frames that never reached the
   * programme. Within three frames of a cut, and over the whole read.
   */
  readonly sourceFramesAroundCuts: SourceSteps;
  readonly sourceFramesAll: SourceSteps;
  readonly decodedFrames: number;
}

export async function runCutAccuracy(options: { cuts: number; width?: number; height?: number; fps?: 25 | 30 }): Promise<CutAccuracyResult> {
  const canvas = { width: options.width ?? 1280, height: options.height ?? 720, fps: options.fps ?? 30 } as const;
  const nginx = await startNginxRtmp();
  const { studio } = await benchStudio(benchShow(canvas));
  const publisher = new RtmpPublisher({ name: 'bench nginx', url: nginx.url, streamKey: 'cuts', logger: createMemoryLogger() });
  let reader: ReturnType<typeof startProgramReader> | null = null;
  try {
    await waitFor(() => studio.snapshot().sources.every((s) => s.state === 'live'), 20_000, 'three live cameras');
    // Programme frame number of every coded video frame, by its timestamp.
    const frameByDts = new Map<number, number>();
    studio.pipeline.encoder.addSink({
      onConfig: () => undefined,
      onFrame: (f) => {
        if (f.type === 'video') frameByDts.set(f.dtsMs, f.frame);
      },
    });
    studio.pipeline.encoder.addSink(publisher);
    publisher.start();
    await waitFor(() => publisher.state === 'live', 15_000, 'publisher live on nginx');
    reader = startProgramReader({ url: `${nginx.url}/cuts`, width: canvas.width, height: canvas.height });
    const r = reader;
    await waitFor(() => r.frames.length >= canvas.fps, 20_000, 'the reader to decode a second of programme').catch((err: Error) => {
      throw new Error(`${err.message}; reader said: ${r.stderrTail().slice(-600)}`);
    });

    const cuts: { frame: number; camera: number; previous: number }[] = [];
    let onAir = 0;
    for (let i = 0; i < options.cuts; i++) {
      // Land commands at arbitrary points inside frame intervals.
      await sleep(250 + Math.random() * 350);
      const camera = (onAir + 1 + (i % 2)) % 3;
      const { frame } = (await studio.request('switcher:cut', { input: `src-${camera + 1}` })) as { frame: number };
      cuts.push({ frame, camera, previous: onAir });
      onAir = camera;
    }
    await sleep(1500);
    await reader.stop();

    const origin = publisher.timelineOriginMs;
    if (origin === null) throw new Error('publisher has no timeline origin');
    const byFrame = new Map<number, DecodedFrame & { camera: number }>();
    let repeated = 0;
    for (const f of reader.frames) {
      const programmeFrame = frameByDts.get(f.ptsMs + origin);
      if (programmeFrame === undefined) continue;
      if (byFrame.has(programmeFrame)) repeated++;
      byFrame.set(programmeFrame, { ...f, camera: classifyIdentity(f.identity, CAMERA_COLOURS) });
    }
    const numbers = [...byFrame.keys()].sort((a, b) => a - b);
    let missing = 0;
    for (let i = 1; i < numbers.length; i++) missing += numbers[i] - numbers[i - 1] - 1;
    let gaps = 0;
    const interval = 1000 / canvas.fps;
    for (let i = 1; i < reader.frames.length; i++) {
      if (reader.frames[i].ptsMs - reader.frames[i - 1].ptsMs > interval + 1) gaps++;
    }

    // A camera's own frame numbers, programme frame after programme frame, while on air:
    // around each cut (three frames either side) and over the whole read.
    const nearCut = new Set(cuts.flatMap((c) => [-3, -2, -1, 0, 1, 2, 3].map((d) => c.frame + d)));
    const sourceSteps = { around: { repeated: 0, skipped: 0 }, all: { repeated: 0, skipped: 0 } };
    for (let i = 1; i < numbers.length; i++) {
      if (numbers[i] !== numbers[i - 1] + 1) continue;
      const a = byFrame.get(numbers[i - 1])!;
      const b = byFrame.get(numbers[i])!;
      if (a.camera !== b.camera || a.camera < 0) continue;
      const step = (b.barcode - a.barcode + 65536) % 65536;
      const near = nearCut.has(numbers[i - 1]) && nearCut.has(numbers[i]);
      for (const tally of near ? [sourceSteps.around, sourceSteps.all] : [sourceSteps.all]) {
        if (step === 0) tally.repeated++;
        else if (step > 1 && step < 1000) tally.skipped += step - 1;
      }
    }

    const framesLate: number[] = [];
    let wrongBefore = 0;
    for (const cut of cuts) {
      if (!byFrame.has(cut.frame) || !byFrame.has(cut.frame - 1)) continue;
      if (byFrame.get(cut.frame - 1)!.camera !== cut.previous) wrongBefore++;
      let first = cut.frame - 3;
      while (first < cut.frame + 10 && byFrame.get(first)?.camera !== cut.camera) first++;
      framesLate.push(first - cut.frame);
    }
    return {
      cuts: cuts.length,
      cutsVerified: framesLate.length,
      framesLate,
      maxFramesLate: framesLate.length ? Math.max(...framesLate.map(Math.abs)) : NaN,
      wrongCameraBeforeCut: wrongBefore,
      programmeFramesMissing: missing,
      programmeFramesRepeated: repeated,
      timestampGapsOverOneFrame: gaps,
      sourceFramesAroundCuts: sourceSteps.around,
      sourceFramesAll: sourceSteps.all,
      decodedFrames: reader.frames.length,
    };
  } finally {
    await reader?.stop();
    await publisher.stop();
    await studio.dispose();
    await nginx.stop();
  }
}
