// Images: existence, build from a context directory, removal.

import type Docker from 'dockerode';
import { ImageBuildError } from '../container-host.errors.js';
import { type BuildSpec, type BuiltImage } from '../container-host.port.js';
import { packBuildContext } from './build-context.js';
import { BuildOutputParser } from './build-output.js';
import { managedLabels } from './container-options.js';
import { engineMessage, isNotFound } from './docker-errors.js';

export async function imageId(docker: Docker, tag: string): Promise<string | null> {
  try {
    return (await docker.getImage(tag).inspect()).Id;
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

export async function buildImage(docker: Docker, spec: BuildSpec): Promise<BuiltImage> {
  const context = await packBuildContext(spec.contextDir, spec.dockerfile);
  const options: Docker.ImageBuildOptions = {
    t: spec.tag,
    dockerfile: context.dockerfile,
    labels: managedLabels(spec.labels),
    rm: true,
    forcerm: true, // no intermediate containers left behind by a failed step
    nocache: spec.noCache ?? false,
  };
  if (spec.buildArgs && Object.keys(spec.buildArgs).length)
    options.buildargs = { ...spec.buildArgs };
  if (spec.target) options.target = spec.target;

  const parser = new BuildOutputParser(spec.onLog);
  let response: NodeJS.ReadableStream;
  try {
    response = await docker.buildImage(context.stream, options);
  } catch (err) {
    // Rejected before any step ran, e.g. a Dockerfile parse error or an unknown target.
    if (err instanceof Error && 'statusCode' in err) {
      throw new ImageBuildError(spec.tag, null, engineMessage(err), []);
    }
    throw err;
  }
  await new Promise<void>((resolve, reject) => {
    response.on('data', (chunk: Buffer) => parser.push(chunk));
    response.on('end', resolve);
    response.on('error', reject);
  });
  const outcome = parser.end();
  if (outcome.error) {
    throw new ImageBuildError(spec.tag, outcome.step, outcome.error, outcome.lastLines);
  }
  // The aux message carries the id; fall back to inspecting the tag we just wrote.
  const id = outcome.imageId ?? (await imageId(docker, spec.tag));
  if (!id) {
    throw new ImageBuildError(
      spec.tag,
      outcome.step,
      'the engine reported no error but the tag is missing',
      outcome.lastLines,
    );
  }
  return { tag: spec.tag, id };
}

export async function removeImage(docker: Docker, tag: string): Promise<void> {
  try {
    await docker.getImage(tag).remove({ force: true });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}
