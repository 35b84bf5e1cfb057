// The recording's timeline next to `name.flv` (issue 4 "Recordings get the same
// timeline"): `name.metadata.jsonl`, a header line and then one JSON line per commerce
// metadata change, on the recording's own clock (the FLV tag timestamps). JSON lines
// because a crash can only tear the last line: every line before it still parses.
import { closeSync, fdatasync, openSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { commerceMetadataSchema, type CommerceMetadata } from '../../../../shared/commerceMetadata';
import type { VideoCodec } from '../../media/packets';

export const SIDECAR_SUFFIX = '.metadata.jsonl';
export const SIDECAR_TYPE = 'cuecast-recording';
export const SIDECAR_VERSION = 1;

export interface SidecarHeader {
  readonly type: typeof SIDECAR_TYPE;
  readonly v: typeof SIDECAR_VERSION;
  /** The FLV's file name (no folder: the pair may be moved together). */
  readonly file: string;
  /** Wall-clock time of the recording's first frame (ptsMs 0), ms since the Unix epoch. */
  readonly startedAtWallMs: number;
  readonly video: { readonly codec: VideoCodec; readonly width: number; readonly height: number; readonly fps: number };
}

export interface SidecarEntry {
  /** Presentation time of the access unit carrying the change, on the FLV's timeline (tag DTS + composition time). */
  readonly ptsMs: number;
  /** Programme frame number of that access unit. */
  readonly frame: number;
  /** Wall-clock time at which the recorder wrote that access unit. */
  readonly wallTimeMs: number;
  readonly message: CommerceMetadata;
  /**
   * The state in force when the recording (re)started, written on its first frame:
   * not a change at that moment, but what a viewer of the file is looking at.
   */
  readonly carried?: true;
}

/** `show.flv` → `show.metadata.jsonl`. */
export function sidecarPathFor(flvFile: string): string {
  return flvFile.replace(/\.flv$/i, '') + SIDECAR_SUFFIX;
}

/**
 * Appends lines crash-safely. Each line goes to the kernel with one synchronous
 * write (a few hundred bytes, a few times a minute), so a crash of the studio keeps
 * every line written; an fdatasync after it, off the main thread and coalesced,
 * covers a power loss too. It never throws: failures go to `onError` once.
 */
export class SidecarWriter {
  private fd: number | null;
  private syncing: Promise<void> | null = null;
  private dirty = false;
  private failed = false;

  constructor(
    readonly file: string,
    private readonly onError: (message: string) => void,
  ) {
    let fd: number | null = null;
    try {
      // Each recording has a new name (flvRecorder.ts), so 'w' only ever creates.
      fd = openSync(file, 'w');
    } catch (err) {
      this.fail(err);
    }
    this.fd = fd;
  }

  writeHeader(header: SidecarHeader): void {
    this.writeLine(header);
  }

  append(entry: SidecarEntry): void {
    this.writeLine(entry);
  }

  /** Waits for the last fdatasync, then closes the file. */
  async close(): Promise<void> {
    while (this.syncing) await this.syncing;
    const fd = this.fd;
    this.fd = null;
    if (fd === null) return;
    try {
      closeSync(fd);
    } catch (err) {
      this.fail(err);
    }
  }

  private writeLine(value: SidecarHeader | SidecarEntry): void {
    if (this.fd === null) return;
    try {
      writeSync(this.fd, JSON.stringify(value) + '\n');
    } catch (err) {
      return this.fail(err);
    }
    this.dirty = true;
    this.scheduleSync();
  }

  private scheduleSync(): void {
    if (this.syncing || this.fd === null || !this.dirty) return;
    const fd = this.fd;
    this.dirty = false;
    this.syncing = new Promise<void>((resolve) => {
      fdatasync(fd, (err) => {
        if (err) this.fail(err);
        this.syncing = null;
        resolve();
        // Lines written while this sync ran need one more.
        this.scheduleSync();
      });
    });
  }

  private fail(err: unknown): void {
    if (this.failed) return;
    this.failed = true;
    const e = err as NodeJS.ErrnoException;
    const why = e.code ? `${e.code}: ${e.message.replace(/^[A-Z]+: /, '')}` : String(err);
    this.onError(`cannot write the timeline ${this.file} (${why})`);
  }
}

export interface ParsedSidecar {
  readonly header: SidecarHeader | null;
  readonly entries: readonly SidecarEntry[];
  /** Lines that did not parse: a torn last line after a crash, or damage. */
  readonly skippedLines: number;
}

/** Parses a sidecar's text, keeping every whole, valid line. */
export function parseSidecar(text: string): ParsedSidecar {
  let header: SidecarHeader | null = null;
  const entries: SidecarEntry[] = [];
  let skippedLines = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      skippedLines++;
      continue;
    }
    const v = value as Partial<SidecarHeader> & Partial<Omit<SidecarEntry, 'message'>> & { message?: unknown };
    if (v.type === SIDECAR_TYPE && header === null && v.video) {
      header = v as SidecarHeader;
      continue;
    }
    const message = commerceMetadataSchema.safeParse(v.message);
    if (message.success && isTime(v.ptsMs) && isTime(v.frame) && isTime(v.wallTimeMs)) {
      entries.push({ ptsMs: v.ptsMs, frame: v.frame, wallTimeMs: v.wallTimeMs, message: message.data, ...(v.carried ? { carried: true as const } : {}) });
    } else skippedLines++;
  }
  return { header, entries, skippedLines };
}

export async function readSidecar(file: string): Promise<ParsedSidecar> {
  return parseSidecar(await readFile(file, 'utf8'));
}

function isTime(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n) && n >= 0;
}
