import { create } from 'xmlbuilder2';
import type { OgcError } from './ogc-error.js';
import { escapeHtml } from '../ogcapi/html.js';

/** Characters XML 1.0 forbids; client input may carry them into messages. */
const XML_INVALID = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
/** Replaces characters XML cannot hold with U+FFFD. */
function xmlSafe(s: string): string {
  return s.replace(XML_INVALID, '\uFFFD');
}

/** The exception documents the server can write. */
export type ExceptionFormat = 'wms-1.1.1' | 'wms-1.3.0' | 'ogc-1.2.0' | 'ows-1.0' | 'ows-1.1' | 'ows-2.0' | 'json' | 'html';

/** A rendered exception: what the transport sends. */
export interface RenderedException {
  contentType: string;
  body: string;
}

const OWS_NS: Record<'ows-1.0' | 'ows-1.1' | 'ows-2.0', { ns: string; version: string; schema: string }> = {
  'ows-1.0': { ns: 'http://www.opengis.net/ows', version: '1.0.0', schema: 'http://schemas.opengis.net/ows/1.0.0/owsExceptionReport.xsd' },
  'ows-1.1': { ns: 'http://www.opengis.net/ows/1.1', version: '1.1.0', schema: 'http://schemas.opengis.net/ows/1.1.0/owsExceptionReport.xsd' },
  'ows-2.0': { ns: 'http://www.opengis.net/ows/2.0', version: '2.0.0', schema: 'http://schemas.opengis.net/ows/2.0/owsExceptionReport.xsd' },
};

/** Which exception document a service answers with, by service name and version (services may override). */
export function defaultExceptionFormat(service: string, version: string): ExceptionFormat {
  const v = version.trim();
  switch (service.toUpperCase()) {
    case 'WMS':
      return v.startsWith('1.1') || v.startsWith('1.0') ? 'wms-1.1.1' : 'wms-1.3.0';
    case 'WFS':
      if (v.startsWith('1.0')) return 'ogc-1.2.0';
      if (v.startsWith('1.1')) return 'ows-1.0';
      return 'ows-1.1';
    case 'WCS':
      if (v.startsWith('1.0')) return 'ogc-1.2.0';
      if (v.startsWith('1.1')) return 'ows-1.1';
      return 'ows-2.0';
    case 'WMTS':
      return 'ows-1.1';
    default:
      return 'ows-2.0';
  }
}

/** Writes an exception in the given format. `serviceVersion` goes into the OWS report's version attribute. */
export function renderException(err: OgcError, format: ExceptionFormat, serviceVersion?: string): RenderedException {
  switch (format) {
    case 'json':
      return {
        contentType: 'application/json',
        body: JSON.stringify({ code: err.code, description: err.message, ...(err.locator ? { locator: err.locator } : {}) }),
      };
    case 'html': {
      // OGC API errors for a browser (f=html, or an Accept that prefers HTML): the same facts as the JSON.
      const title = `${err.status} ${escapeHtml(err.code)}`;
      return {
        contentType: 'text/html; charset=utf-8',
        body: `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>\n<body><h1>${title}</h1>\n`
          + `<p>${escapeHtml(err.message)}</p>\n${err.locator ? `<p>Parameter: <code>${escapeHtml(err.locator)}</code></p>\n` : ''}</body></html>\n`,
      };
    }
    case 'wms-1.1.1': {
      const doc = create({ version: '1.0', encoding: 'UTF-8', standalone: false })
        .dtd({ name: 'ServiceExceptionReport', sysID: 'http://schemas.opengis.net/wms/1.1.1/exception_1_1_1.dtd' })
        .ele('ServiceExceptionReport', { version: '1.1.1' });
      doc.ele('ServiceException', attrs(err)).txt(xmlSafe(err.message));
      return { contentType: 'application/vnd.ogc.se_xml; charset=utf-8', body: doc.end({ prettyPrint: true }) };
    }
    case 'wms-1.3.0':
    case 'ogc-1.2.0': {
      const version = format === 'wms-1.3.0' ? '1.3.0' : '1.2.0';
      const schema = format === 'wms-1.3.0'
        ? 'http://www.opengis.net/ogc http://schemas.opengis.net/wms/1.3.0/exceptions_1_3_0.xsd'
        : 'http://www.opengis.net/ogc http://schemas.opengis.net/wfs/1.0.0/OGC-exception.xsd';
      const doc = create({ version: '1.0', encoding: 'UTF-8' }).ele('http://www.opengis.net/ogc', 'ServiceExceptionReport', {
        version,
        'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
        'xsi:schemaLocation': schema,
      });
      doc.ele('http://www.opengis.net/ogc', 'ServiceException', attrs(err)).txt(xmlSafe(err.message));
      return { contentType: 'text/xml; charset=utf-8', body: doc.end({ prettyPrint: true }) };
    }
    default: {
      const o = OWS_NS[format];
      const doc = create({ version: '1.0', encoding: 'UTF-8' }).ele(o.ns, 'ows:ExceptionReport', {
        version: serviceVersion || o.version,
        'xml:lang': 'en',
        'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
        'xsi:schemaLocation': `${o.ns} ${o.schema}`,
      });
      const ex = doc.ele(o.ns, 'ows:Exception', { exceptionCode: xmlSafe(err.code), ...(err.locator ? { locator: xmlSafe(err.locator) } : {}) });
      ex.ele(o.ns, 'ows:ExceptionText').txt(xmlSafe(err.message));
      return { contentType: 'text/xml; charset=utf-8', body: doc.end({ prettyPrint: true }) };
    }
  }
}

function attrs(err: OgcError): Record<string, string> {
  return { code: xmlSafe(err.code), ...(err.locator ? { locator: xmlSafe(err.locator) } : {}) };
}
