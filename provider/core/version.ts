/** Elasticsearch server versions and the features gated on them. */
export interface EsVersion {
  major: number;
  minor: number;
  patch: number;
  text: string;
}

export function parseVersion(text: string): EsVersion | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(text);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), text };
}

export function atLeast(v: EsVersion, major: number, minor: number, patch = 0): boolean {
  if (v.major !== major) return v.major > major;
  if (v.minor !== minor) return v.minor > minor;
  return v.patch >= patch;
}

/** PUT follow rejects `data_stream_name` as an unknown field before 8.4. */
export const MIN_VERSION_DATA_STREAM_NAME = { major: 8, minor: 4 } as const;
/** The provider supports the 8.x and 9.x REST APIs (plain application/json works on both). */
export const SUPPORTED_MAJORS: readonly number[] = [8, 9];
