// The show's rundown while it runs: the ordered segments, which one is on air
// (explaining) and which one Take takes next, edited live. Persisted as one JSON file,
// written atomically, so an edit survives a crash. Pure state: the Studio turns a take
// into a cut, a card, metadata and a teleprompter move on one programme frame.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { findDuplicateSegments, rundownSchema, type Rundown, type RundownSegment } from '../../../shared/rundown';

export class RundownError extends Error {
  override readonly name = 'RundownError';
}

export interface OnAirState {
  readonly segment: RundownSegment;
  readonly takenOnFrame: number;
  readonly takenAtMs: number;
  readonly promoEndsAtMs: number | null;
}

export class RundownState {
  private rundownValue: Rundown;
  private revisionValue = 1;
  private onAirValue: OnAirState | null = null;
  private nextIdValue: string | null;

  constructor(
    rundown: Rundown,
    /** Folder relative image paths are resolved against. */
    public baseDir: string,
    private readonly file: string | null,
  ) {
    this.rundownValue = rundown;
    this.nextIdValue = rundown.segments[0]?.id ?? null;
  }

  /** The stored rundown, or null when there is none or it is unreadable (the caller says why). */
  static load(file: string): { rundown: Rundown | null; problem: string | null } {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return { rundown: null, problem: null };
    }
    const parsed = rundownSchema.safeParse(JSON.parse(text));
    if (!parsed.success) return { rundown: null, problem: `the stored rundown ${file} is unreadable: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
    return { rundown: parsed.data, problem: null };
  }

  get rundown(): Rundown {
    return this.rundownValue;
  }
  get revision(): number {
    return this.revisionValue;
  }
  get onAir(): OnAirState | null {
    return this.onAirValue;
  }
  get nextId(): string | null {
    return this.nextIdValue;
  }

  segment(id: string): RundownSegment {
    const found = this.rundownValue.segments.find((s) => s.id === id);
    if (!found) throw new RundownError(`No segment "${id}" in the rundown`);
    return found;
  }

  /** Replaces the whole rundown (an import). The on-air segment stays on air if it is still there. */
  replace(rundown: Rundown, baseDir: string): void {
    this.baseDir = baseDir;
    this.commit({ ...rundown, segments: [...rundown.segments] });
    const still = this.onAirValue && rundown.segments.find((s) => s.id === this.onAirValue!.segment.id);
    this.onAirValue = still && this.onAirValue ? { ...this.onAirValue, segment: still } : null;
    this.nextIdValue = this.following(this.onAirValue?.segment.id ?? null);
  }

  add(segment: RundownSegment, index?: number): void {
    const segments = [...this.rundownValue.segments];
    segments.splice(index ?? segments.length, 0, segment);
    this.checkUnique(segments);
    this.commit({ ...this.rundownValue, segments });
    this.nextIdValue ??= segment.id;
  }

  /** Edits a segment in place (same id); returns it, for the on-air card to follow. */
  update(segment: RundownSegment): RundownSegment {
    const segments = this.rundownValue.segments.map((s) => (s.id === segment.id ? segment : s));
    if (!this.rundownValue.segments.some((s) => s.id === segment.id)) throw new RundownError(`No segment "${segment.id}" in the rundown`);
    this.checkUnique(segments);
    this.commit({ ...this.rundownValue, segments });
    if (this.onAirValue?.segment.id === segment.id) this.onAirValue = { ...this.onAirValue, segment };
    return segment;
  }

  remove(id: string): void {
    if (this.onAirValue?.segment.id === id) throw new RundownError('That segment is on air: take another one (or End) before removing it');
    this.segment(id);
    this.commit({ ...this.rundownValue, segments: this.rundownValue.segments.filter((s) => s.id !== id) });
    if (this.nextIdValue === id) this.nextIdValue = this.following(this.onAirValue?.segment.id ?? null);
  }

  move(id: string, toIndex: number): void {
    const segments = [...this.rundownValue.segments];
    const from = segments.findIndex((s) => s.id === id);
    if (from < 0) throw new RundownError(`No segment "${id}" in the rundown`);
    const [moved] = segments.splice(from, 1);
    segments.splice(Math.min(toIndex, segments.length), 0, moved!);
    this.commit({ ...this.rundownValue, segments });
  }

  cue(id: string): void {
    this.segment(id);
    this.nextIdValue = id;
  }

  /** The segment a take without an id takes, or why there is none. */
  resolveTake(id: string | undefined): RundownSegment {
    const target = id ?? this.nextIdValue;
    if (!target) throw new RundownError(this.rundownValue.segments.length === 0 ? 'The rundown is empty: import one first' : 'The last segment is on air: nothing left to take');
    return this.segment(target);
  }

  previousOfOnAir(): RundownSegment {
    const index = this.onAirValue ? this.indexOf(this.onAirValue.segment.id) : -1;
    if (index <= 0) throw new RundownError(index < 0 ? 'Nothing is on air yet' : 'The first segment is on air: there is no previous one');
    return this.rundownValue.segments[index - 1]!;
  }

  /** Marks `segment` on air from `frame`; the next one becomes the cued segment. */
  took(segment: RundownSegment, frame: number, atMs: number, promoEndsAtMs: number | null): OnAirState | null {
    const previous = this.onAirValue;
    this.onAirValue = { segment, takenOnFrame: frame, takenAtMs: atMs, promoEndsAtMs };
    this.nextIdValue = this.following(segment.id);
    return previous;
  }

  /** A flash sale started now on the on-air segment. */
  setPromoEnd(promoEndsAtMs: number): void {
    if (!this.onAirValue) throw new RundownError('Nothing is on air: take a segment first');
    if (this.onAirValue.segment.promoPrice === undefined) throw new RundownError(`"${this.onAirValue.segment.title}" has no promo price to sell at`);
    this.onAirValue = { ...this.onAirValue, promoEndsAtMs };
  }

  ended(): OnAirState | null {
    const previous = this.onAirValue;
    this.onAirValue = null;
    return previous;
  }

  private indexOf(id: string): number {
    return this.rundownValue.segments.findIndex((s) => s.id === id);
  }

  private following(id: string | null): string | null {
    const segments = this.rundownValue.segments;
    if (id === null) return segments[0]?.id ?? null;
    const index = this.indexOf(id);
    return index >= 0 ? (segments[index + 1]?.id ?? null) : (segments[0]?.id ?? null);
  }

  private checkUnique(segments: readonly RundownSegment[]): void {
    const dup = findDuplicateSegments(segments)[0];
    if (dup) throw new RundownError(`Two segments share the ${dup.key} "${dup.value}"`);
  }

  private commit(rundown: Rundown): void {
    this.rundownValue = rundown;
    this.revisionValue++;
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(rundown, null, 2));
    renameSync(tmp, this.file);
  }
}
