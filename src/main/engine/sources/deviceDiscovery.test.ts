import { describe, expect, it } from 'vitest';
import { isV4l2CaptureNode, listCaptureDevices, parseAvfoundationDevices, parseDecklinkSources, parseDshowDevices } from './deviceDiscovery';

// Recorded listings in the shapes ffmpeg prints them (stderr, with log context).
const DSHOW_FFMPEG5 = `[dshow @ 000001d8f5e2c040] "Integrated Camera" (video)
[dshow @ 000001d8f5e2c040]   Alternative name "@device_pnp_\\\\?\\usb#vid_04f2&pid_b6cb&mi_00#6&2d4c1e1e&0&0000#{65e8773d-8f56-11d0-a3b9-00a0c9223196}\\global"
[dshow @ 000001d8f5e2c040] "Cam Link 4K" (video)
[dshow @ 000001d8f5e2c040]   Alternative name "@device_pnp_\\\\?\\usb#vid_0fd9&pid_0066&mi_00#7&1b7e8b1&0&0000#{65e8773d-8f56-11d0-a3b9-00a0c9223196}\\global"
[dshow @ 000001d8f5e2c040] "OBS Virtual Camera" (none)
[dshow @ 000001d8f5e2c040]   Alternative name "@device_sw_{860BB310-5D01-11D0-BD3B-00A0C911CE86}\\{A3FCE0F5-3493-419F-958A-ABA1250EC20B}"
[dshow @ 000001d8f5e2c040] "Microphone Array (Realtek(R) Audio)" (audio)
[dshow @ 000001d8f5e2c040]   Alternative name "@device_cm_{33D9A762-90C8-11D0-BD43-00A0C911D0}\\wave_{5C3B0F8E-3A8E-4E1D-9D7B-6B9F0C2A1D11}"
[dshow @ 000001d8f5e2c040] "Digital Audio Interface (Cam Link 4K)" (audio)
[dshow @ 000001d8f5e2c040]   Alternative name "@device_cm_{33D9A762-90C8-11D0-BD43-00A0C911D0}\\wave_{9E1C3A51-0B6B-4F0A-8C55-0E5B3E7D2A40}"
dummy: Immediate exit requested
`;

const DSHOW_FFMPEG4 = `[dshow @ 0000020f8a6f9b40] DirectShow video devices (some may be both video and audio devices)
[dshow @ 0000020f8a6f9b40]  "HD Pro Webcam C920"
[dshow @ 0000020f8a6f9b40]     Alternative name "@device_pnp_\\\\?\\usb#vid_046d&pid_082d&mi_00#6&17b8a1d&0&0000#{65e8773d-8f56-11d0-a3b9-00a0c9223196}\\global"
[dshow @ 0000020f8a6f9b40] DirectShow audio devices
[dshow @ 0000020f8a6f9b40]  "Microphone (HD Pro Webcam C920)"
[dshow @ 0000020f8a6f9b40]     Alternative name "@device_cm_{33D9A762-90C8-11D0-BD43-00A0C911CE86}\\wave_{AB12}"
dummy: Immediate exit requested
`;

const AVFOUNDATION = `[AVFoundation indev @ 0x7fb8c5d04a40] AVFoundation video devices:
[AVFoundation indev @ 0x7fb8c5d04a40] [0] FaceTime HD Camera
[AVFoundation indev @ 0x7fb8c5d04a40] [1] Elgato HD60 S+
[AVFoundation indev @ 0x7fb8c5d04a40] [2] Capture screen 0
[AVFoundation indev @ 0x7fb8c5d04a40] AVFoundation audio devices:
[AVFoundation indev @ 0x7fb8c5d04a40] [0] MacBook Pro Microphone
[AVFoundation indev @ 0x7fb8c5d04a40] [1] Elgato HD60 S+
: Input/output error
`;

const DECKLINK = `Auto-detected sources for decklink:
* DeckLink Mini Recorder 4K [DeckLink Mini Recorder 4K]
  DeckLink Duo (1) [DeckLink Duo 2 (1)]
`;

describe('device listing parsers', () => {
  it('parses ffmpeg 5 dshow listings, skipping alternative names and audio-only devices', () => {
    expect(parseDshowDevices(DSHOW_FFMPEG5)).toEqual([
      { backend: 'dshow', device: 'video=Integrated Camera', label: 'Integrated Camera', hasAudio: false },
      { backend: 'dshow', device: 'video=Cam Link 4K', label: 'Cam Link 4K', hasAudio: true },
    ]);
  });

  it('parses the older sectioned dshow listing', () => {
    expect(parseDshowDevices(DSHOW_FFMPEG4)).toEqual([
      { backend: 'dshow', device: 'video=HD Pro Webcam C920', label: 'HD Pro Webcam C920', hasAudio: true },
    ]);
  });

  it('parses avfoundation listings by name', () => {
    expect(parseAvfoundationDevices(AVFOUNDATION)).toEqual([
      { backend: 'avfoundation', device: 'FaceTime HD Camera', label: 'FaceTime HD Camera', hasAudio: false },
      { backend: 'avfoundation', device: 'Elgato HD60 S+', label: 'Elgato HD60 S+', hasAudio: true },
      { backend: 'avfoundation', device: 'Capture screen 0', label: 'Capture screen 0', hasAudio: false },
    ]);
  });

  it('parses decklink sources', () => {
    expect(parseDecklinkSources(DECKLINK)).toEqual([
      { backend: 'decklink', device: 'DeckLink Mini Recorder 4K', label: 'DeckLink Mini Recorder 4K', hasAudio: true },
      { backend: 'decklink', device: 'DeckLink Duo (1)', label: 'DeckLink Duo 2 (1)', hasAudio: true },
    ]);
  });

  it('finds nothing in empty or error output', () => {
    expect(parseDshowDevices('dummy: Immediate exit requested')).toEqual([]);
    expect(parseAvfoundationDevices('')).toEqual([]);
    expect(parseDecklinkSources('Cannot list sources: Function not implemented')).toEqual([]);
  });

  it('tells capture nodes from metadata-only nodes', () => {
    expect(isV4l2CaptureNode('[video4linux2,v4l2 @ 0x55] Raw       :     yuyv422 :           YUYV 4:2:2 : 640x480 1280x720')).toBe(true);
    expect(isV4l2CaptureNode('[video4linux2,v4l2 @ 0x55] Compressed:       mjpeg :          Motion-JPEG : 1920x1080')).toBe(true);
    expect(isV4l2CaptureNode('[video4linux2,v4l2 @ 0x55] Not a video capture device.\n/dev/video1: No such device')).toBe(false);
  });
});

describe('listCaptureDevices on this machine', () => {
  it('explains an empty list', async () => {
    const list = await listCaptureDevices('ffmpeg', 'linux');
    if (list.devices.length === 0) expect(list.notes.some((n) => n.startsWith('v4l2:'))).toBe(true);
    // Debian's ffmpeg is built without DeckLink (ingest-facts.md lists its features).
    expect(list.notes.join('\n')).toMatch(/decklink: /);
  });

  it('says when the platform has no backend', async () => {
    const list = await listCaptureDevices('ffmpeg', 'aix');
    expect(list.notes[0]).toMatch(/no camera backend for aix/);
  });
});
