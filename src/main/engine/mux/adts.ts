// AAC in MPEG-TS travels as ADTS (ISO/IEC 13818-7 / 14496-3 §1.A.2.2): each raw AAC
// frame gets a 7-byte header that repeats what the AudioSpecificConfig (§1.6.2.1)
// says once, so a receiver can join anywhere.

export interface AdtsFormat {
  /** ADTS profile = audioObjectType − 1 (1 = AAC LC). */
  readonly profile: number;
  readonly sampleRateIndex: number;
  readonly channelConfiguration: number;
}

export class AdtsError extends Error {}

/** The ADTS fields from an AudioSpecificConfig; only object types 1–4 fit ADTS's 2-bit profile. */
export function parseAudioSpecificConfig(asc: Buffer): AdtsFormat {
  if (asc.length < 2) throw new AdtsError(`AudioSpecificConfig of ${asc.length} bytes is too short`);
  const objectType = asc[0]! >> 3;
  const sampleRateIndex = ((asc[0]! & 0x07) << 1) | (asc[1]! >> 7);
  const channelConfiguration = (asc[1]! >> 3) & 0x0f;
  if (objectType < 1 || objectType > 4) throw new AdtsError(`AAC object type ${objectType} cannot be carried as ADTS (types 1–4 only)`);
  // Index 15 means an explicit 24-bit rate, which ADTS cannot express.
  if (sampleRateIndex > 12) throw new AdtsError(`AAC sampling frequency index ${sampleRateIndex} cannot be carried as ADTS`);
  if (channelConfiguration === 0 || channelConfiguration > 7) throw new AdtsError(`AAC channel configuration ${channelConfiguration} cannot be carried as ADTS`);
  return { profile: objectType - 1, sampleRateIndex, channelConfiguration };
}

/** A 7-byte ADTS header (MPEG-4, no CRC, one raw data block) for a raw frame of `rawLength` bytes. */
export function adtsHeader(format: AdtsFormat, rawLength: number): Buffer {
  const frameLength = 7 + rawLength;
  if (frameLength > 0x1fff) throw new AdtsError(`AAC frame of ${rawLength} bytes is too large for ADTS`);
  const h = Buffer.alloc(7);
  h[0] = 0xff; // syncword (12 bits)...
  h[1] = 0xf1; // ...ID 0 (MPEG-4), layer 00, protection_absent 1
  h[2] = (format.profile << 6) | (format.sampleRateIndex << 2) | (format.channelConfiguration >> 2);
  h[3] = ((format.channelConfiguration & 0x03) << 6) | (frameLength >> 11);
  h[4] = (frameLength >> 3) & 0xff;
  // adts_buffer_fullness 0x7FF (variable rate), number_of_raw_data_blocks_in_frame 0.
  h[5] = ((frameLength & 0x07) << 5) | 0x1f;
  h[6] = 0xfc;
  return h;
}
