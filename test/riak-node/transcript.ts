import { readFileSync } from "node:fs";

/** One record of test/fixtures/riak-transcripts.json: a frame or an event. */
export interface TranscriptRecord {
  readonly seq: number;
  readonly scenario: string;
  readonly step: string;
  readonly direction: "request" | "response" | "event";
  readonly port: number;
  /** Null for raw byte requests (several frames, or a broken frame). */
  readonly code: number | null;
  /** The whole frame in hex; null for the stack-trace errors the capture left out. */
  readonly hex: string | null;
  readonly event?: string;
}

/** A step of a scenario: its records in wire order. */
export interface TranscriptStep {
  readonly scenario: string;
  readonly name: string;
  readonly records: readonly TranscriptRecord[];
}

const transcriptUrl = new URL("../fixtures/riak-transcripts.json", import.meta.url);

/** Every record of the capture, in capture order. */
export function loadTranscript(): TranscriptRecord[] {
  const records = JSON.parse(readFileSync(transcriptUrl, "utf8")) as TranscriptRecord[];
  return [...records].sort((a, b) => a.seq - b.seq);
}

/** The scenario names in capture order. */
export function scenarioNames(records: readonly TranscriptRecord[]): string[] {
  return [...new Set(records.map((record) => record.scenario))];
}

/** The steps of one scenario, in capture order. */
export function stepsOf(records: readonly TranscriptRecord[], scenario: string): TranscriptStep[] {
  const steps: { scenario: string; name: string; records: TranscriptRecord[] }[] = [];
  for (const record of records) {
    if (record.scenario !== scenario) continue;
    const last = steps.at(-1);
    if (last?.name === record.step) last.records.push(record);
    else steps.push({ scenario, name: record.step, records: [record] });
  }
  return steps;
}
