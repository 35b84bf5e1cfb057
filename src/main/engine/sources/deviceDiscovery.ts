// Which cameras and capture cards this machine has, per capture backend. ffmpeg is
// the only portable way to ask (its listings go to stderr as log lines), so the
// parsers below take its text and are tested against recorded listings. A list that
// comes back empty always says why in `notes`, so the operator is not left guessing.
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import type { CaptureDeviceInfo, DeviceList } from '../../../shared/model';

const LIST_TIMEOUT_MS = 8000;

export async function listCaptureDevices(ffmpegPath: string, platform: NodeJS.Platform = process.platform): Promise<DeviceList> {
  const devices: CaptureDeviceInfo[] = [];
  const notes: string[] = [];
  const collect = (found: { devices: CaptureDeviceInfo[]; note: string | null }): void => {
    devices.push(...found.devices);
    if (found.note) notes.push(found.note);
  };
  if (platform === 'linux') collect(await listV4l2(ffmpegPath));
  else if (platform === 'win32') collect(await listDshow(ffmpegPath));
  else if (platform === 'darwin') collect(await listAvfoundation(ffmpegPath));
  else notes.push(`no camera backend for ${platform}`);
  collect(await listDecklink(ffmpegPath));
  return { devices, notes };
}

async function listV4l2(ffmpegPath: string): Promise<{ devices: CaptureDeviceInfo[]; note: string | null }> {
  let nodes: string[];
  try {
    nodes = (await readdir('/dev')).filter((n) => /^video\d+$/.test(n)).sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
  } catch {
    nodes = [];
  }
  if (!nodes.length) return { devices: [], note: 'v4l2: no /dev/video* device nodes on this machine' };
  const devices: CaptureDeviceInfo[] = [];
  for (const node of nodes) {
    const path = `/dev/${node}`;
    const output = await runFfmpeg(ffmpegPath, ['-hide_banner', '-f', 'v4l2', '-list_formats', 'all', '-i', path]);
    // UVC cameras expose a second, metadata-only node per camera: it cannot capture.
    if (!isV4l2CaptureNode(output)) continue;
    const label = (await readFile(`/sys/class/video4linux/${node}/name`, 'utf8').catch(() => '')).trim() || path;
    devices.push({ backend: 'v4l2', device: path, label, hasAudio: false });
  }
  return { devices, note: devices.length ? null : `v4l2: ${nodes.length} /dev/video* node(s), none can capture video` };
}

/** True when `ffmpeg -f v4l2 -list_formats all` found formats to capture. */
export function isV4l2CaptureNode(output: string): boolean {
  if (/Not a video capture device|No such device|Permission denied/i.test(output)) return false;
  return /(Raw|Compressed)\s*:/.test(output);
}

async function listDshow(ffmpegPath: string): Promise<{ devices: CaptureDeviceInfo[]; note: string | null }> {
  const output = await runFfmpeg(ffmpegPath, ['-hide_banner', '-list_devices', 'true', '-f', 'dshow', '-i', 'dummy']);
  const devices = parseDshowDevices(output);
  return { devices, note: devices.length ? null : 'dshow: no DirectShow video devices found' };
}

async function listAvfoundation(ffmpegPath: string): Promise<{ devices: CaptureDeviceInfo[]; note: string | null }> {
  const output = await runFfmpeg(ffmpegPath, ['-hide_banner', '-f', 'avfoundation', '-list_devices', 'true', '-i', '']);
  const devices = parseAvfoundationDevices(output);
  return { devices, note: devices.length ? null : 'avfoundation: no cameras found (check camera permission for the studio)' };
}

async function listDecklink(ffmpegPath: string): Promise<{ devices: CaptureDeviceInfo[]; note: string | null }> {
  const formats = await runFfmpeg(ffmpegPath, ['-hide_banner', '-devices']);
  if (!/^\s*D\S*\s+decklink\b/m.test(formats)) return { devices: [], note: 'decklink: this ffmpeg build has no DeckLink support' };
  const output = await runFfmpeg(ffmpegPath, ['-hide_banner', '-sources', 'decklink']);
  const devices = parseDecklinkSources(output);
  return { devices, note: devices.length ? null : 'decklink: no DeckLink devices found (is Desktop Video installed?)' };
}

/** Strips ffmpeg's `[dshow @ 0000…]` context from a log line. */
function stripContext(line: string): string {
  return line.replace(/^\[[^\]]*@\s*[0-9a-fx]+\]\s?/i, '');
}

/**
 * Parses `ffmpeg -list_devices true -f dshow -i dummy`. ffmpeg ≥ 4.4 prints
 * `"Name" (video)` / `"Name" (audio)` / `"Name" (audio, video)`; older builds print
 * section headers ("DirectShow video devices") and bare `"Name"` lines. Alternative
 * names (`@device_pnp_…`) are skipped: friendly names are what `video=` accepts.
 * A camera counts as having audio when an audio device's name contains its name
 * (capture cards pair "Cam Link 4K" with "Digital Audio Interface (Cam Link 4K)").
 */
export function parseDshowDevices(output: string): CaptureDeviceInfo[] {
  const video: string[] = [];
  const audio: string[] = [];
  let section: 'video' | 'audio' | null = null;
  for (const raw of output.split(/\r?\n/)) {
    const line = stripContext(raw).trim();
    if (/^DirectShow video devices/i.test(line)) section = 'video';
    else if (/^DirectShow audio devices/i.test(line)) section = 'audio';
    if (/^Alternative name/i.test(line)) continue;
    const m = /^"(.+)"(?:\s+\(([^)]*)\))?\s*$/.exec(line);
    if (!m) continue;
    const kinds = m[2] ? m[2].split(',').map((k) => k.trim()) : section ? [section] : [];
    if (kinds.includes('video')) video.push(m[1]);
    if (kinds.includes('audio')) audio.push(m[1]);
  }
  return unique(video).map((name) => ({
    backend: 'dshow' as const,
    device: `video=${name}`,
    label: name,
    hasAudio: audio.some((a) => a === name || a.toLowerCase().includes(name.toLowerCase())),
  }));
}

/**
 * Parses `ffmpeg -f avfoundation -list_devices true -i ""`: `[n] Name` lines under
 * "AVFoundation video devices:" and "AVFoundation audio devices:". Devices are named
 * by name, not index: indices shift when a camera is plugged in.
 */
export function parseAvfoundationDevices(output: string): CaptureDeviceInfo[] {
  const video: string[] = [];
  const audio: string[] = [];
  let section: 'video' | 'audio' | null = null;
  for (const raw of output.split(/\r?\n/)) {
    const line = stripContext(raw).trim();
    if (/AVFoundation video devices/i.test(line)) section = 'video';
    else if (/AVFoundation audio devices/i.test(line)) section = 'audio';
    const m = /^\[(\d+)\]\s+(.+)$/.exec(line);
    if (!m || !section) continue;
    (section === 'video' ? video : audio).push(m[2].trim());
  }
  return unique(video).map((name) => ({
    backend: 'avfoundation' as const,
    device: name,
    label: name,
    hasAudio: audio.some((a) => a === name || a.toLowerCase().includes(name.toLowerCase())),
  }));
}

/** Parses `ffmpeg -sources decklink`: lines `  Name [Description]`, `*` marks the default. */
export function parseDecklinkSources(output: string): CaptureDeviceInfo[] {
  const devices: CaptureDeviceInfo[] = [];
  for (const raw of output.split(/\r?\n/)) {
    const m = /^\s*\*?\s*(.+?)\s+\[(.*)\]\s*$/.exec(stripContext(raw));
    if (!m || /^Auto-detected sources/i.test(m[1])) continue;
    devices.push({ backend: 'decklink', device: m[1], label: m[2] || m[1], hasAudio: true });
  }
  return devices;
}

function unique(names: string[]): string[] {
  return [...new Set(names)];
}

/** Runs a listing command; ffmpeg exits non-zero for these by design, so only text counts. */
function runFfmpeg(ffmpegPath: string, args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile(ffmpegPath, args, { timeout: LIST_TIMEOUT_MS, windowsHide: true, maxBuffer: 1024 * 1024 }, (_err, stdout, stderr) => {
      resolve(`${stdout ?? ''}\n${stderr ?? ''}`);
    });
  });
}
