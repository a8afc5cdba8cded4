import { defineParams } from '../../params/table.js';

/** Parameters every WFS request shares. */
export const COMMON = defineParams({
  REQUEST: { type: 'string', required: true, description: 'the operation' },
  VERSION: { type: 'string', description: 'WFS version: 2.0.0 (default), 1.1.0 or 1.0.0' },
});
