/** Kit: small zod pieces for registry settings (non-empty strings, http(s) URLs, issue reporting). */
import { z } from 'zod';

export const nonEmpty = z.string().trim().min(1, 'must not be empty');

/** An http:// or https:// URL without query or fragment; `example` shows a good value in the message. */
export function httpUrl(example: string): z.ZodType<string> {
  return z.string().refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.search === '' && u.hash === '';
    } catch {
      return false;
    }
  }, `must be an http:// or https:// URL such as ${example}`);
}

/** Reports a settings problem at `path` (used by cross-key checks in `superRefine`). */
export type IssueReporter = (path: (string | number)[], message: string) => void;

/** The IssueReporter of a zod `superRefine` context. */
export function issueReporter(ctx: z.RefinementCtx): IssueReporter {
  return (path, message) => ctx.addIssue({ code: 'custom', path, message });
}
