// Entry point of `cuecast probe` (dist/probe.mjs, `npm run probe -- <url|file>`):
// prints the commerce metadata timeline of a stream as a platform receives it
// (issue 4 "Verifier"), SEI and cue points alike. Parsing lives in metadataProbe.ts.
import { parseArgs } from 'node:util';
import { probeMetadata, type ProbeMessage } from './metadataProbe';

const USAGE = `Usage: cuecast probe <rtmp://…|http://….flv|srt://…|file> [--seconds N] [--ffmpeg PATH] [--remux]

  rtmp(s)://host/app/stream  played directly, as a player: SEI and onCuePoint data messages
  http(s)://…/stream.flv     HTTP-FLV, read byte for byte: SEI and cue points
  a .flv file                read byte for byte: SEI and cue points
  anything else (srt://, …)  read through an ffmpeg remux to FLV: SEI only (a remux drops cue points)

  --seconds N  read at most N seconds of the stream (live inputs run until Ctrl-C otherwise)
  --ffmpeg     ffmpeg binary (default: ffmpeg on PATH)
  --remux      read through ffmpeg even where a direct reader exists (drops cue points, as a remux does)`;

function line(m: ProbeMessage): string {
  const kind = m.source === 'sei' ? 'SEI' : 'CUE';
  const key = m.keyframe ? ' key' : '    ';
  // A cue point also says where it put itself: its own time, next to the frame's PTS.
  const cue = m.cuePoint ? `  ${m.cuePoint.name || '(unnamed)'} @ ${Number.isFinite(m.cuePoint.timeMs) ? `${Math.round(m.cuePoint.timeMs)} ms` : 'no time'}` : '';
  return `frame ${String(m.frameIndex).padStart(5)}  pts ${String(Math.round(m.ptsMs)).padStart(7)} ms  ${kind}${key}${cue}  ${JSON.stringify(m.payload)}`;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { seconds: { type: 'string' }, ffmpeg: { type: 'string' }, remux: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
  });
  const args = positionals[0] === 'probe' ? positionals.slice(1) : positionals;
  if (values.help || args.length !== 1) {
    console.error(USAGE);
    return 2;
  }
  const seconds = values.seconds === undefined ? undefined : Number(values.seconds);
  if (seconds !== undefined && !(seconds > 0)) {
    console.error(`probe: --seconds must be a positive number, got "${values.seconds}"`);
    return 2;
  }
  // Ctrl-C ends a live read and still prints the summary.
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  const timeline = await probeMetadata({
    input: args[0]!,
    ffmpegPath: values.ffmpeg,
    seconds,
    mode: values.remux ? 'ffmpeg' : 'auto',
    signal: stop.signal,
    onMessage: (m) => console.log(line(m)),
  });
  const sei = timeline.messages.filter((m) => m.source === 'sei');
  const cues = timeline.messages.length - sei.length;
  const onKey = sei.filter((m) => m.keyframe).length;
  console.log(`${timeline.messages.length} messages (${sei.length} SEI, ${onKey} of them on keyframes, ${cues} cue points) in ${timeline.videoFrames} video frames`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`probe: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
