/**
 * The English the registry's code can say (test/english-phrases.mjs collects it from the sources: every
 * refusal the code raises — `ApiError`, `forbidden`, `conflict`, `notFound`, `invalid`,
 * `unauthorized` —, every zod message, the rules' refusals and the tier engine's details, the outbox's
 * reasons), so a new English sentence is in the list the day it is written; and the check that a
 * back-office page says none of it.
 */
import { collectEnglish, englishIn as phrasesIn } from "./english-phrases.mjs";

const SOURCES = import.meta.glob<string>("../src/**/*.{ts,tsx}", { query: "?raw", import: "default", eager: true });

export const ENGLISH_PHRASES: string[] = collectEnglish(SOURCES);

/** The English phrases of the code a page shows (empty: it speaks French). */
export const englishIn = (html: string): string[] => phrasesIn(ENGLISH_PHRASES, html);
