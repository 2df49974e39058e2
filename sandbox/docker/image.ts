/**
 * The locally built Elasticsearch image (scripts/docker-image.sh): its tag and its inputs. There is no Docker
 * registry here, so the real-engine test (test/docker/) overrides the Docker backend's image — by default Elastic's
 * official one — with this image, built from a Debian minbase root filesystem, a JDK of the machine and the
 * integ-test-zip the sandbox already runs.
 */
import { ensureDistribution } from "../es/distribution";
import { findJdk } from "../es/java";
import { minimumJava, resolveEsVersion } from "../es/versions";

/** Tag of the local image for an Elasticsearch version (never pulled: `pullImage: false`). */
export function localImageTag(version: string): string {
  return `es-ccr/elasticsearch-integ:${version}`;
}

/**
 * The Elasticsearch version the Docker proof runs on: CCR_DOCKER_ES_VERSION (a major or x.y.z), default 9 — one
 * version in CI; the image carries no JDK of its own choice, so 9.x (JDK 21+) is the newer line and the one the
 * official image defaults move to.
 */
export function dockerEsVersion(spec: string | undefined = process.env.CCR_DOCKER_ES_VERSION): string {
  return resolveEsVersion(spec && spec.trim() ? spec : "9");
}

export interface ImageInputs {
  version: string;
  tag: string;
  /** Unpacked integ-test-zip (fetched into the sandbox's cache if missing). */
  esHome: string;
  /** The JDK copied into the image: the one the sandbox's own nodes of this version use. */
  jdkHome: string;
  jdkFeature: number;
}

export function imageInputs(spec?: string): ImageInputs {
  const version = dockerEsVersion(spec);
  const jdk = findJdk(minimumJava(version));
  return { version, tag: localImageTag(version), esHome: ensureDistribution(version), jdkHome: jdk.home, jdkFeature: jdk.feature };
}

// `npx tsx sandbox/docker/image.ts [version]` prints the inputs as shell assignments for scripts/docker-image.sh.
if (require.main === module) {
  const i = imageInputs(process.argv[2]);
  for (const [k, v] of Object.entries(i)) console.log(`${k}=${JSON.stringify(String(v))}`);
}
