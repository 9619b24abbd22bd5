// What an upload may do, decided once for every transport: the zone's signed
// limits for the action its page signed (zone/action.ts), and the rules each
// file passes at the points a transport can apply them. Multipart and tus
// both come here; a rule added here holds for both.

import { REFUSE } from "../../refusals";
import type { UploadConfig } from "../../protocol";
import type { Runtime } from "../../runtime";
import { checkCount, checkFile, limitsFor, UploadLimitError, type Limits } from "../rules/limits";
import { sniffType } from "../rules/sniff";
import { sanitizeFileName } from "../storage/paths";
import type { UploadAction } from "../zone/action";
import { verifyUploadConfig } from "../zone/config-token";

/** A file as a transport knows it before its bytes: the name as sent, the declared type, the size when declared. */
export interface IncomingFile {
  name: string;
  type: string;
  size?: number;
}

export interface Admission {
  action: UploadAction;
  config: UploadConfig;
  /** Whether checkHead can refuse anything: only a zone that names types (accept) checks content. */
  checksContent: boolean;
  /**
   * Before a file's first byte: the count (this file is the `count`-th of
   * the upload), its name, declared type and declared size. Returns the size
   * cap its bytes are held to as they arrive.
   */
  checkStart(file: IncomingFile, count: number): { maxSize?: number };
  /** Once its first bytes are known: the declared type against what they prove, and the size. */
  checkHead(file: IncomingFile & { size: number }, head: Uint8Array): void;
}

/**
 * Verifies the zone's signed limits for the action, or throws a 4xx: a
 * browser cannot loosen the limits its page was rendered with.
 */
export function admitUpload(
  runtime: Runtime,
  sessionId: string,
  action: UploadAction,
  configToken: string | null | undefined,
  options: { maxFileSize: number },
): Admission {
  const config = verifyUploadConfig(runtime.signingKey(sessionId), configToken);
  if (!config || config.id !== action.uploadId) {
    throw REFUSE.uploadLimitsAltered();
  }
  return admission(action, config, limitsFor(config, { globalMaxFileSize: options.maxFileSize, strict: true }));
}

function admission(action: UploadAction, config: UploadConfig, limits: Limits): Admission {
  const refuse = (rawName: string, errors: ReturnType<typeof checkFile>) => {
    if (errors[0]) throw new UploadLimitError(sanitizeFileName(rawName), errors[0]);
  };
  return {
    action,
    config,
    checksContent: Object.keys(limits.accept ?? {}).length > 0,
    checkStart(file, count) {
      const tooMany = checkCount(count, config);
      if (tooMany) throw new UploadLimitError(sanitizeFileName(file.name), tooMany);
      // The size, when declared, is checked now; as bytes arrive the transport holds them to maxSize.
      const facts = { name: sanitizeFileName(file.name), type: file.type, size: file.size ?? 0 };
      refuse(file.name, checkFile(facts, file.size === undefined ? { accept: limits.accept, strict: true } : limits));
      return { maxSize: limits.maxSize };
    },
    checkHead(file, head) {
      refuse(file.name, checkFile({ name: sanitizeFileName(file.name), type: file.type, size: file.size, sniffedType: sniffType(head) }, limits));
    },
  };
}
