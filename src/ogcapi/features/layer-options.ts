/**
 * The project settings OGC API Features reads beyond WFS's: a layer's temporal field (`temporal: { field }`, what
 * `datetime` filters on and the temporal extent is read from) and the largest page (`maxFeatures` on the layer,
 * else on the service, else 10,000: a larger `limit` is lowered to it, as Part 1 allows). The project loader
 * checks both (src/project).
 */
import type { FieldDef, ProjectModel, VectorLayerDef } from '../../project/model.js';

/** The largest page when neither the layer nor the service sets one. */
export const DEFAULT_MAX_FEATURES = 10_000;

/** The name of the layer's temporal field as configured, or null. */
export function temporalFieldName(layer: VectorLayerDef): string | null {
  return layer.temporal?.field ?? null;
}

/**
 * The layer's temporal field among the fields this request may see, or null: a temporal field that access
 * control hides is no temporal field for this request (the same answer as an unconfigured one).
 */
export function temporalField(layer: VectorLayerDef, visible: readonly FieldDef[]): FieldDef | null {
  const name = temporalFieldName(layer);
  return name === null ? null : visible.find((f) => f.name === name) ?? null;
}

/** The largest page of a layer: its own maxFeatures, else the service's, else DEFAULT_MAX_FEATURES. */
export function maxFeatures(project: ProjectModel, layer: VectorLayerDef | null): number {
  return layer?.maxFeatures ?? project.service.maxFeatures ?? DEFAULT_MAX_FEATURES;
}
