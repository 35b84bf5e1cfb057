// Presets for the ingests commerce studios push to (issue 4 "Many platforms at once"):
// the URL to fill in, the picture the platform expects, and which metadata carriers
// survive its ingest. Plain data, shared by main (validation, encoder limits) and the
// renderer (the add-destination form). Encoder limits per platform live in
// src/main/engine/encoder/destinationPresets.ts, referenced by `limits`.
//
// "Carriers" are what we know, not what we hope: self-hosted servers were measured
// here (specs/flv-rtmp-sei.md "AMF0": nginx-rtmp and SRS drop cue points,
// node-media-server relays them); for the platforms it is "unknown" until someone
// has read their playback back with `npm run probe`.

export type IngestProtocol = 'rtmp' | 'srt';
export type CarrierSupport = 'kept' | 'dropped' | 'unknown';
export type EncoderLimitsId = 'youtube' | 'twitch' | 'facebook' | 'ivsStandard' | 'alibaba' | 'custom';

export interface IngestPreset {
  readonly id: string;
  readonly name: string;
  readonly protocol: IngestProtocol;
  /** What the operator pastes, with {placeholders} for the account-specific parts. */
  readonly urlTemplate: string;
  /** Where the platform shows the URL and key. */
  readonly whereToFind: string;
  readonly needsKey: boolean;
  readonly orientation: 'landscape' | 'portrait' | 'either';
  /** Encoder limits (bitrate, codecs, resolution) of the platform. */
  readonly limits: EncoderLimitsId;
  readonly carriers: { readonly sei: CarrierSupport; readonly cuePoints: CarrierSupport };
  /** Out-of-band metadata API the platform offers, if we have a sender for it. */
  readonly metadataApi: 'ivs' | null;
}

const unknownCarriers = { sei: 'unknown', cuePoints: 'unknown' } as const;

export const INGEST_PRESETS: readonly IngestPreset[] = [
  {
    id: 'custom-rtmp',
    name: 'Custom RTMP / RTMPS',
    protocol: 'rtmp',
    urlTemplate: 'rtmp://{host}/{app}',
    whereToFind: 'Any RTMP ingest: the server URL without the stream key.',
    needsKey: true,
    orientation: 'either',
    limits: 'custom',
    carriers: unknownCarriers,
    metadataApi: null,
  },
  {
    id: 'custom-srt',
    name: 'Custom SRT',
    protocol: 'srt',
    urlTemplate: 'srt://{host}:{port}?streamid={streamid}',
    whereToFind: 'Any SRT listener (caller mode); put a passphrase or stream id in the query.',
    needsKey: false,
    orientation: 'either',
    limits: 'custom',
    carriers: { sei: 'kept', cuePoints: 'dropped' },
    metadataApi: null,
  },
  {
    id: 'douyin',
    name: 'Douyin (third-party push)',
    protocol: 'rtmp',
    urlTemplate: 'rtmp://{server}/{app}',
    whereToFind: 'Douyin live companion → third-party streaming: server address and stream key.',
    needsKey: true,
    orientation: 'portrait',
    limits: 'custom',
    carriers: unknownCarriers,
    metadataApi: null,
  },
  {
    id: 'tiktok',
    name: 'TikTok LIVE (stream key)',
    protocol: 'rtmp',
    urlTemplate: 'rtmp://{server}/{app}',
    whereToFind: 'TikTok LIVE Producer: server URL and stream key.',
    needsKey: true,
    orientation: 'portrait',
    limits: 'custom',
    carriers: unknownCarriers,
    metadataApi: null,
  },
  {
    id: 'taobao',
    name: 'Taobao Live (Alibaba Cloud Live)',
    protocol: 'rtmp',
    urlTemplate: 'rtmp://{push-domain}/{app}',
    whereToFind: 'Taobao anchor workbench or Alibaba Cloud Live console: push URL, key after the app path.',
    needsKey: true,
    orientation: 'portrait',
    limits: 'alibaba',
    carriers: unknownCarriers,
    metadataApi: null,
  },
  {
    id: 'whatnot',
    name: 'Whatnot (RTMP)',
    protocol: 'rtmp',
    urlTemplate: 'rtmps://{server}/{app}',
    whereToFind: 'Whatnot seller hub → show → stream with OBS: server URL and stream key.',
    needsKey: true,
    orientation: 'portrait',
    limits: 'custom',
    carriers: unknownCarriers,
    metadataApi: null,
  },
  {
    id: 'ivs',
    name: 'Amazon IVS',
    protocol: 'rtmp',
    urlTemplate: 'rtmps://{ingest-endpoint}:443/app/',
    whereToFind: 'IVS console → channel: ingest server and stream key. Metadata: PutMetadata on the channel ARN.',
    needsKey: true,
    orientation: 'either',
    limits: 'ivsStandard',
    carriers: unknownCarriers,
    metadataApi: 'ivs',
  },
  {
    id: 'youtube',
    name: 'YouTube Live',
    protocol: 'rtmp',
    urlTemplate: 'rtmps://a.rtmps.youtube.com:443/live2',
    whereToFind: 'YouTube Studio → Go live → Stream: stream URL and key.',
    needsKey: true,
    orientation: 'either',
    limits: 'youtube',
    carriers: unknownCarriers,
    metadataApi: null,
  },
  {
    id: 'facebook',
    name: 'Facebook Live',
    protocol: 'rtmp',
    urlTemplate: 'rtmps://live-api-s.facebook.com:443/rtmp/',
    whereToFind: 'Live Producer → streaming software: server URL and stream key.',
    needsKey: true,
    orientation: 'either',
    limits: 'facebook',
    carriers: unknownCarriers,
    metadataApi: null,
  },
  {
    id: 'twitch',
    name: 'Twitch',
    protocol: 'rtmp',
    urlTemplate: 'rtmp://live.twitch.tv/app',
    whereToFind: 'Twitch creator dashboard → settings → stream: primary stream key.',
    needsKey: true,
    orientation: 'landscape',
    limits: 'twitch',
    carriers: unknownCarriers,
    metadataApi: null,
  },
  {
    id: 'node-media-server',
    name: 'node-media-server (self-hosted)',
    protocol: 'rtmp',
    urlTemplate: 'rtmp://{host}:1935/live',
    whereToFind: 'Your server: the application path; the stream name is the key.',
    needsKey: true,
    orientation: 'either',
    limits: 'custom',
    carriers: { sei: 'kept', cuePoints: 'kept' },
    metadataApi: null,
  },
  {
    id: 'nginx-rtmp',
    name: 'nginx-rtmp / SRS (self-hosted)',
    protocol: 'rtmp',
    urlTemplate: 'rtmp://{host}:1935/live',
    whereToFind: 'Your server: the application path; the stream name is the key.',
    needsKey: true,
    orientation: 'either',
    limits: 'custom',
    carriers: { sei: 'kept', cuePoints: 'dropped' },
    metadataApi: null,
  },
];

export function ingestPreset(id: string): IngestPreset | undefined {
  return INGEST_PRESETS.find((p) => p.id === id);
}
