// Where ffmpeg comes from (DESIGN.md §1): the user's setting, else a binary shipped
// in the app's resources, else the one on PATH. The answer says which, so the UI can
// show it and an error can say what was tried.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface FfmpegLocation {
  readonly path: string;
  readonly from: 'setting' | 'resources' | 'PATH';
  readonly version: string;
}

export class FfmpegNotFoundError extends Error {}

export function findFfmpeg(options: { setting?: string; resourcesDir?: string } = {}): FfmpegLocation {
  const exe = process.platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg';
  const tried: string[] = [];
  const candidates: { path: string; from: FfmpegLocation['from'] }[] = [];
  if (options.setting) candidates.push({ path: options.setting, from: 'setting' });
  if (options.resourcesDir) candidates.push({ path: join(options.resourcesDir, 'ffmpeg', exe), from: 'resources' });
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) candidates.push({ path: join(dir, exe), from: 'PATH' });
  for (const c of candidates) {
    tried.push(c.path);
    if (!existsSync(c.path)) continue;
    const run = spawnSync(c.path, ['-hide_banner', '-version'], { encoding: 'utf8', timeout: 5000 });
    if (run.status === 0) return { path: c.path, from: c.from, version: run.stdout.split('\n')[0] ?? 'ffmpeg' };
  }
  throw new FfmpegNotFoundError(
    `ffmpeg was not found (tried ${tried.slice(0, 4).join(', ')}${tried.length > 4 ? ', ...' : ''}). Install it (Debian/Ubuntu: apt-get install ffmpeg) or set its path.`,
  );
}
