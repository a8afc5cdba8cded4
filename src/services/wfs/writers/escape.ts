/** Fast, correct escaping for XML text/attributes and XML names. */

// Characters needing work in XML text: markup, C0 controls (except tab/LF), CR, surrogates, U+FFFE/U+FFFF.
const TEXT_SPECIAL = /[&<>\u0000-\u0008\u000b-\u001f\ud800-\udfff\ufffe\uffff]/;
const ATTR_SPECIAL = /[&<>"\u0000-\u001f\ud800-\udfff\ufffe\uffff]/;

function escapeSlow(s: string, attr: boolean): string {
  let out = '';
  let last = 0;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    let rep: string | null = null;
    if (c === 38) rep = '&amp;';
    else if (c === 60) rep = '&lt;';
    else if (c === 62) rep = '&gt;';
    else if (c === 34) rep = attr ? '&quot;' : null;
    else if (c < 32) {
      if (c === 9) rep = attr ? '&#9;' : null;
      else if (c === 10) rep = attr ? '&#10;' : null;
      else if (c === 13) rep = '&#13;';
      else rep = '\ufffd';
    } else if (c >= 0xd800 && c <= 0xdbff) {
      const d = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (d >= 0xdc00 && d <= 0xdfff) { i++; continue; } // valid pair
      rep = '\ufffd';
    } else if (c >= 0xdc00 && c <= 0xdfff) rep = '\ufffd';
    else if (c === 0xfffe || c === 0xffff) rep = '\ufffd';
    if (rep !== null) {
      out += s.slice(last, i) + rep;
      last = i + 1;
    }
  }
  return last === 0 ? s : out + s.slice(last);
}

/** Escapes XML character data; characters XML 1.0 forbids become U+FFFD. */
export function escapeXmlText(s: string): string {
  return TEXT_SPECIAL.test(s) ? escapeSlow(s, false) : s;
}

/** Escapes an XML attribute value (double-quoted); tab/LF/CR kept as character references. */
export function escapeXmlAttr(s: string): string {
  return ATTR_SPECIAL.test(s) ? escapeSlow(s, true) : s;
}

const NAME_OK = /^[A-Za-z_][A-Za-z0-9_.\-]*$/;

/** Turns a field or type name into an XML NCName (invalid characters become '_', like QGIS Server). */
export function xmlName(name: string): string {
  if (NAME_OK.test(name)) return name;
  let s = name.replace(/[^A-Za-z0-9_.\-]/g, '_');
  if (!/^[A-Za-z_]/.test(s)) s = '_' + s;
  return s;
}

/** A gml:id from a type name and a feature id (an NCName). */
export function gmlId(typeName: string, id: string | number): string {
  const s = `${typeName}.${id}`;
  return NAME_OK.test(s) ? s : xmlName(s);
}
