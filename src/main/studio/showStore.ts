// The show's configuration (canvas, encoder, sources, layouts, outputs) persisted as
// one JSON file, written atomically (temp file + rename) so a crash never leaves half
// a file. Stream keys are stored only sealed by a SecretBox. The same schema serves
// the Electron app and the headless host.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { canvasSchema, encoderSettingsSchema, sourceSpecSchema, transitionSchema } from '../../shared/contract';
import type { CanvasSettings, EncoderSettings, LayoutKind, OutputKind, SourceSpec, TransitionSettings } from '../../shared/model';

export interface StoredOutput {
  readonly id: string;
  readonly name: string;
  readonly kind: OutputKind;
  readonly target: string;
  readonly sealedKey: string | null;
  /** The built-in rehearsal ingest: recreated on each start, its port changes. */
  readonly builtIn?: boolean;
  readonly presetId?: string;
  readonly cuePoints?: boolean;
  readonly metadataSender?: StoredMetadataSender | null;
}

/** A destination's metadata sender as stored: its secret sealed by the SecretBox. */
export type StoredMetadataSender =
  | { readonly kind: 'webhook'; readonly url: string; readonly sealedSecret: string | null; readonly maxPerSecond?: number }
  | { readonly kind: 'ivs'; readonly channelArn: string; readonly accessKeyId: string; readonly sealedSecretAccessKey: string; readonly maxPerSecond?: number };

const storedSenderSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('webhook'), url: z.string(), sealedSecret: z.string().nullable(), maxPerSecond: z.number().optional() }),
  z.object({ kind: z.literal('ivs'), channelArn: z.string(), accessKeyId: z.string(), sealedSecretAccessKey: z.string(), maxPerSecond: z.number().optional() }),
]);

export interface ShowConfig {
  readonly version: 1;
  readonly canvas: CanvasSettings;
  readonly encoder: EncoderSettings;
  readonly transition: TransitionSettings;
  readonly sources: readonly { readonly id: string; readonly spec: SourceSpec }[];
  readonly scenes: readonly { readonly id: string; readonly name: string; readonly layout: LayoutKind; readonly sources: readonly [string, string] }[];
  readonly outputs: readonly StoredOutput[];
  readonly program: string | null;
  readonly preview: string | null;
  readonly nextId: number;
}

const showSchema = z.object({
  version: z.literal(1),
  canvas: canvasSchema,
  encoder: encoderSettingsSchema,
  transition: transitionSchema,
  sources: z.array(z.object({ id: z.string(), spec: sourceSpecSchema })),
  scenes: z.array(z.object({ id: z.string(), name: z.string(), layout: z.enum(['pip', 'sideBySide']), sources: z.tuple([z.string(), z.string()]) })),
  outputs: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      kind: z.enum(['rtmp', 'srt', 'record']),
      target: z.string(),
      sealedKey: z.string().nullable(),
      builtIn: z.boolean().optional(),
      presetId: z.string().optional(),
      cuePoints: z.boolean().optional(),
      metadataSender: storedSenderSchema.nullable().optional(),
    }),
  ),
  program: z.string().nullable(),
  preview: z.string().nullable(),
  nextId: z.number().int().min(1),
});

export class ShowStore {
  constructor(private readonly file: string) {}

  /** The stored show, or null when there is none (first start) or it is unreadable. */
  load(): { show: ShowConfig | null; problem: string | null } {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return { show: null, problem: null };
    }
    try {
      return { show: showSchema.parse(JSON.parse(text)) as ShowConfig, problem: null };
    } catch (err) {
      // Keep the unreadable file for the operator instead of overwriting it silently.
      const aside = `${this.file}.unreadable-${Date.now()}`;
      renameSync(this.file, aside);
      return { show: null, problem: `settings file was unreadable and was moved to ${aside}: ${(err as Error).message.slice(0, 200)}` };
    }
  }

  save(show: ShowConfig): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(show, null, 2), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}
