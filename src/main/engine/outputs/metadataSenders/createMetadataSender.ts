// One entry point for the studio: a destination's out-of-band sender from its
// settings (secrets already unsealed), and the check that refuses bad settings
// when the operator saves them — before anything starts, changing nothing.
import type { Logger } from '../../logger';
import { IvsConfigError, IvsMetadataSender, parseIvsChannelArn } from './ivsMetadataSender';
import type { MetadataSender, MetadataSenderOptions } from './metadataSender';
import { parseWebhookUrl, WebhookSender, WebhookUrlError } from './webhookSender';

export type MetadataSenderConfig =
  | { readonly kind: 'webhook'; readonly url: string; /** Unsealed; '' = unsigned. */ readonly secret: string }
  | {
      readonly kind: 'ivs';
      readonly channelArn: string;
      readonly accessKeyId: string;
      /** Unsealed secret access key. */
      readonly secret: string;
      readonly sessionToken?: string;
    };

export type MetadataSenderTuning = Omit<MetadataSenderOptions, 'name' | 'logger'>;

/** Why `config` cannot work, in the operator's words, or null. Never repeats a secret. */
export function checkMetadataSenderConfig(config: MetadataSenderConfig): string | null {
  try {
    if (config.kind === 'webhook') {
      parseWebhookUrl(config.url);
      return null;
    }
    parseIvsChannelArn(config.channelArn);
    if (!config.accessKeyId.trim() || /\s/.test(config.accessKeyId.trim())) return 'the AWS access key id is missing or malformed';
    if (!config.secret) return 'the AWS secret access key is missing';
    return null;
  } catch (err) {
    if (err instanceof WebhookUrlError) return `bad webhook URL: ${err.message}`;
    if (err instanceof IvsConfigError) return err.message;
    throw err;
  }
}

/** The sender for one destination; attach it after the MetadataStage, then start() it. */
export function createMetadataSender(name: string, config: MetadataSenderConfig, logger: Logger, tuning: MetadataSenderTuning = {}): MetadataSender {
  if (config.kind === 'webhook') return new WebhookSender({ ...tuning, name, logger, url: config.url, secret: config.secret });
  return new IvsMetadataSender({
    ...tuning,
    name,
    logger,
    channelArn: config.channelArn,
    credentials: {
      accessKeyId: config.accessKeyId.trim(),
      secretAccessKey: config.secret,
      ...(config.sessionToken ? { sessionToken: config.sessionToken } : {}),
    },
  });
}
