/**
 * EMULATED CCR layer: the REST response parameters Elasticsearch applies to every answer (pure functions), so the
 * layer's own answers honour them as the node honours them on everything it serves itself:
 *  - `filter_path`: includes (a path prefix; `*` inside a segment, `**` any depth) minus `-` excludes, applied to
 *    successful answers only: error bodies are never filtered (AbstractRestChannel#newErrorBuilder disables it;
 *    checked on 8.19 and 9.5: `GET /missing?filter_path=error.type` returns the whole error). Arrays take no path
 *    segment; objects and arrays left empty disappear, an answer left empty is `{}`.
 *  - `pretty`: Jackson's DefaultPrettyPrinter as Elasticsearch configures it (`"key" : value`, two-space indent, one
 *    array element per line, `{ }` / `[ ]` when empty) plus a final newline; `?pretty` and `pretty=true` turn it on.
 *  - `error_trace=true`: a `stack_trace` string on the error, on every `caused_by` and every `root_cause` entry,
 *    written after `caused_by` (ElasticsearchException#innerToXContent); absent by default and with `false`;
 *    `?error_trace` with no value counts as true (RestRequest#paramAsBoolean treats an empty value as "on"; checked
 *    on the real nodes). The layer has no Java stack: the trace is the exception line Elasticsearch would print
 *    first, followed by one marker frame.
 */
import { simpleMatch } from "./patterns";

/** Elasticsearch's `filter_path` for one leaf: includes (prefix match, `*` in a segment, `**` any depth) minus `-` excludes. */
export function filterPathAllows(filterPath: string | null | undefined, leaf: string[]): boolean {
  if (filterPath == null || filterPath === "") return true;
  const all = filterPath.split(",").map((s) => s.trim()).filter(Boolean);
  const inc = all.filter((s) => !s.startsWith("-"));
  const exc = all.filter((s) => s.startsWith("-")).map((s) => s.slice(1));
  const hit = (f: string) => prefixMatches(f.split("."), leaf);
  return (inc.length === 0 || inc.some(hit)) && !exc.some(hit);
}

/** Does the filter match the leaf path or one of its ancestors? */
function prefixMatches(filter: string[], path: string[]): boolean {
  if (filter.length === 0) return true;
  const [head, ...rest] = filter;
  if (head === "**") {
    for (let i = 0; i <= path.length; i++) if (prefixMatches(rest, path.slice(i))) return true;
    return false;
  }
  if (path.length === 0) return false;
  return simpleMatch(head, path[0]) && prefixMatches(rest, path.slice(1));
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isEmpty = (v: unknown) => (Array.isArray(v) ? v.length === 0 : isObject(v) && Object.keys(v).length === 0);

/** A JSON value reduced by `filter_path` (a new value; the input is not modified). */
export function applyFilterPath(value: unknown, filterPath: string | null | undefined): unknown {
  if (filterPath == null || filterPath === "") return value;
  return walk(value, [], filterPath) ?? {};
}

/** undefined = nothing of this subtree is kept. Primitives and empty containers are the leaves. */
function walk(v: unknown, path: string[], fp: string): unknown {
  if (isEmpty(v) || (typeof v !== "object" || v === null)) return path.length && filterPathAllows(fp, path) ? v : undefined;
  if (Array.isArray(v)) {
    const kept = v.map((x) => walk(x, path, fp)).filter((x) => x !== undefined);
    return kept.length ? kept : undefined;
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const w = walk(x, [...path, k], fp);
    if (w !== undefined) out[k] = w;
  }
  return Object.keys(out).length ? out : undefined;
}

/** Elasticsearch's pretty JSON (Jackson DefaultPrettyPrinter as configured by JsonXContentGenerator), with the final newline. */
export function prettyJson(value: unknown): string {
  return pretty(value, "") + "\n";
}

function pretty(v: unknown, indent: string): string {
  const inner = indent + "  ";
  if (Array.isArray(v)) {
    if (!v.length) return "[ ]";
    return `[\n${v.map((x) => inner + pretty(x, inner)).join(",\n")}\n${indent}]`;
  }
  if (isObject(v)) {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    if (!entries.length) return "{ }";
    return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)} : ${pretty(x, inner)}`).join(",\n")}\n${indent}}`;
  }
  return JSON.stringify(v) ?? "null";
}

/** `?pretty` / `pretty=true` (anything but `false`), as RestChannel reads it. */
export function wantsPretty(q: URLSearchParams): boolean {
  return q.has("pretty") && q.get("pretty") !== "false";
}

/** `error_trace=true` or a bare `?error_trace` (RestRequest#paramAsBoolean: an empty value means true). */
export function wantsErrorTrace(q: URLSearchParams): boolean {
  const v = q.get("error_trace");
  return v === "true" || v === "";
}

interface Cause { type?: unknown; reason?: unknown; caused_by?: unknown; [k: string]: unknown }

/** Java class name Elasticsearch would print for an error type (approximated from the type for unknown ones). */
function javaClass(type: string): string {
  const known: Record<string, string> = {
    index_not_found_exception: "org.elasticsearch.index.IndexNotFoundException",
    illegal_argument_exception: "java.lang.IllegalArgumentException",
    resource_not_found_exception: "org.elasticsearch.ResourceNotFoundException",
    resource_already_exists_exception: "org.elasticsearch.ResourceAlreadyExistsException",
    status_exception: "org.elasticsearch.ElasticsearchStatusException",
    security_exception: "org.elasticsearch.ElasticsearchSecurityException",
    snapshot_restore_exception: "org.elasticsearch.snapshots.SnapshotRestoreException",
    action_request_validation_exception: "org.elasticsearch.action.ActionRequestValidationException",
    x_content_parse_exception: "org.elasticsearch.xcontent.XContentParseException",
    index_closed_exception: "org.elasticsearch.indices.IndexClosedException",
    no_such_remote_cluster_exception: "org.elasticsearch.transport.NoSuchRemoteClusterException",
  };
  return known[type] ?? `org.elasticsearch.${type.split("_").map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("")}`;
}

function withTrace(c: Cause): Cause {
  const out: Cause = { ...c };
  if (isObject(out.caused_by)) out.caused_by = withTrace(out.caused_by as Cause);
  if (Array.isArray(out.root_cause)) out.root_cause = out.root_cause.map((r) => (isObject(r) ? withTrace(r as Cause) : r));
  const index = typeof c.index === "string" ? `[${c.index}] ` : "";
  delete out.stack_trace;
  out.stack_trace = `${index}${javaClass(String(c.type))}: ${String(c.reason)}\n\tat EMULATED.sandbox.ccr(no Java stack: this answer comes from the sandbox's _ccr layer)\n`;
  return out;
}

/** An Elasticsearch error body with `stack_trace` fields added where `error_trace=true` puts them. */
export function addStackTraces(body: unknown): unknown {
  if (!isObject(body) || !isObject(body.error)) return body;
  return { ...body, error: withTrace(body.error as Cause) };
}

/** Is this an Elasticsearch error answer (`{"error": {...} | "...", "status": N}`)? */
export function isErrorBody(status: number, body: unknown): boolean {
  return status >= 400 && isObject(body) && "error" in body;
}

/** The bytes of an answer the layer produced itself, with the request's response parameters applied. */
export function renderAnswer(status: number, body: unknown, q: URLSearchParams): string {
  let out = body;
  if (isErrorBody(status, body)) {
    if (wantsErrorTrace(q)) out = addStackTraces(body);
  } else out = applyFilterPath(body, q.get("filter_path"));
  return wantsPretty(q) ? prettyJson(out) : JSON.stringify(out);
}
