// The cookbook's access-control filter, driven by rules.json: per role, layers hidden, read-only access,
// a filter expression and a subset string per layer, attributes hidden per layer, and which features
// may be edited. The role comes from a request header (a real deployment sets it in the web server
// after authentication, never trusting the client's own header). An unknown role gets nothing at all.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Reads and checks the rules; a bad file stops the plugin with a message naming the field. */
export function loadRules(file = process.env.OWS_ACCESS_RULES || path.join(here, 'rules.json')) {
  const rules = JSON.parse(readFileSync(file, 'utf8'));
  if (typeof rules.roles !== 'object' || rules.roles === null) throw new Error(`${file}: "roles" must be an object`);
  if (!(rules.defaultRole in rules.roles)) throw new Error(`${file}: defaultRole '${rules.defaultRole}' is not in "roles"`);
  return rules;
}

export function serverClassFactory(serverIface, ows) {
  const rules = loadRules();
  const NOTHING = { hiddenLayers: ['*'], readOnly: true };

  class AccessControlFilter extends ows.AccessControlFilter {
    role() {
      let name = rules.defaultRole;
      try {
        name = serverIface.requestHandler().requestHeader(rules.roleHeader) || rules.defaultRole;
      } catch {
        /* outside a request: the default role */
      }
      return name;
    }
    rule() {
      return rules.roles[this.role()] ?? NOTHING;
    }
    layerFilterExpression(layer) {
      return this.rule().filterExpressions?.[layer.name()] ?? null;
    }
    layerFilterSubsetString(layer) {
      return this.rule().subsetStrings?.[layer.name()] ?? null;
    }
    layerPermissions(layer) {
      const rule = this.rule();
      const rights = new ows.LayerPermissions();
      const hidden = rule.hiddenLayers ?? [];
      rights.canRead = !hidden.includes('*') && !hidden.includes(layer.name());
      if (rule.readOnly || !rights.canRead) rights.canInsert = rights.canUpdate = rights.canDelete = false;
      return rights;
    }
    authorizedLayerAttributes(layer, attributes) {
      const hidden = this.rule().hiddenAttributes?.[layer.name()] ?? [];
      return attributes.filter((a) => !hidden.includes(a));
    }
    allowToEdit(layer, feature) {
      const only = this.rule().editOnlyWhere;
      if (this.rule().readOnly) return false;
      return !only || feature.attribute(only.field) === only.equals;
    }
    cacheKey() {
      return `role:${this.role()}`;
    }
  }

  serverIface.registerAccessControl(new AccessControlFilter(serverIface), 100);
  return { name: 'AccessControl', rules };
}
