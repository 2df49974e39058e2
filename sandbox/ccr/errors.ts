/**
 * EMULATED CCR layer (sandbox/test infrastructure): Elasticsearch's JSON error format, built as pure data.
 * Shape: {"error":{"root_cause":[{type,reason,...meta}],type,reason,...meta,caused_by?},"status":N}.
 */
export interface ErrorCause {
  type: string;
  reason: string;
  caused_by?: ErrorCause;
  [meta: string]: unknown;
}

export interface EsErrorBody {
  error: ErrorCause & { root_cause: ErrorCause[] };
  status: number;
}

/** An error the HTTP layer renders as an Elasticsearch error response. */
export class EsHttpError extends Error {
  constructor(readonly status: number, readonly body: EsErrorBody | Record<string, unknown>) {
    super(JSON.stringify(body));
  }
}

export function cause(type: string, reason: string, meta: Record<string, unknown> = {}, causedBy?: ErrorCause): ErrorCause {
  return { type, reason, ...meta, ...(causedBy ? { caused_by: causedBy } : {}) };
}

/** ES reports the innermost cause as root_cause (without its own caused_by chain). */
function rootOf(c: ErrorCause): ErrorCause {
  let r = c;
  while (r.caused_by) r = r.caused_by;
  const { caused_by: _ignored, ...rest } = r;
  return rest as ErrorCause;
}

export function esError(status: number, type: string, reason: string, meta: Record<string, unknown> = {}, causedBy?: ErrorCause): EsHttpError {
  const top = cause(type, reason, meta, causedBy);
  // For wrapped causes ES puts the deepest cause first in root_cause; for our single-level errors it is the error itself.
  const root = causedBy ? rootOf(top) : (() => { const { caused_by: _c, ...r } = top; return r as ErrorCause; })();
  return new EsHttpError(status, { error: { root_cause: [root], ...top }, status });
}

export const errors = {
  licenseLocal: () => esError(403, "security_exception", "current license is non-compliant for [ccr]", { "license.expired.feature": "ccr" }),
  noSuchRemote: (alias: string) => esError(404, "no_such_remote_cluster_exception", `no such remote cluster: [${alias}]`),
  remoteNotLicensed: (alias: string, leaderIndex: string | undefined, mode: string) =>
    esError(400, "status_exception",
      `${leaderIndex !== undefined ? `can not fetch remote index [${alias}:${leaderIndex}] metadata` : "can not fetch remote cluster state"} as the remote cluster [${alias}] is not licensed for [ccr]; the license mode [${mode.toUpperCase()}] on cluster [${alias}] does not enable [ccr]`),
  remoteUnreachable: (alias: string, leaderIndex: string | undefined, detail: string) =>
    esError(400, "status_exception",
      `${leaderIndex !== undefined ? `can not fetch remote index [${alias}:${leaderIndex}] metadata` : "can not fetch remote cluster state"} as the license state of the remote cluster [${alias}] could not be determined`,
      {}, cause("connect_transport_exception", detail)),
  indexNotFound: (index: string) => esError(404, "index_not_found_exception", `no such index [${index}]`,
    { "resource.type": "index_or_alias", "resource.id": index, index_uuid: "_na_", index }),
  indexClosed: (index: string, uuid: string) => esError(400, "index_closed_exception", "closed", { index_uuid: uuid, index }),
  illegalArgument: (reason: string) => esError(400, "illegal_argument_exception", reason),
  validation: (messages: string[]) => esError(400, "action_request_validation_exception", validationReason(messages)),
  parse: (reason: string) => esError(400, "x_content_parse_exception", reason),
  notAFollower: (index: string) => esError(400, "illegal_argument_exception", `index [${index}] is not a follower index`),
  noShardFollowTasks: (index: string) => esError(400, "illegal_argument_exception", `no shard follow tasks for [${index}]`),
  taskAlreadyExists: (followerUuid: string) => esError(400, "resource_already_exists_exception", `task with id {${followerUuid}-0} already exist`),
  noStatsTasks: (indices: string[]) => esError(404, "resource_not_found_exception", `No shard follow tasks for follower indices [${indices.join(", ")}]`),
  patternMissing: (name: string) => esError(404, "resource_not_found_exception", `auto-follow pattern [${name}] is missing`),
  /** Real follower indexes reject writes in FollowingEngine.preFlight with an ElasticsearchStatusException(FORBIDDEN). */
  followerWrite: () => esError(403, "status_exception", FOLLOWER_WRITE_REASON),
  /** RestoreService's refusal to restore over an open index (the CCR restore's snapshot is `_latest_` of `_ccr_<alias>`). */
  restoreOverOpenIndex: (alias: string, index: string) => esError(500, "snapshot_restore_exception", `[_ccr_${alias}:_latest_/_latest_] cannot restore index [${index}] because an open index with same name already exists in the cluster. Either close or delete the existing index or restore the index under a different name by providing a rename pattern and replacement name`),
};

/**
 * Real message (x-pack/plugin/ccr FollowingEngine#preFlight, elastic/elasticsearch PR #37213 "FollowingEngine should
 * fail with 403 if operation has no seqno assigned"): thrown as ElasticsearchStatusException with RestStatus.FORBIDDEN,
 * so the body is type `status_exception`, status 403.
 */
export const FOLLOWER_WRITE_REASON = "a following engine does not accept operations without an assigned sequence number";

/** ActionRequestValidationException#getMessage: "Validation Failed: 1: a;2: b;" */
export function validationReason(messages: string[]): string {
  return "Validation Failed: " + messages.map((m, i) => `${i + 1}: ${m};`).join("");
}
