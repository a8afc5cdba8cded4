import http from 'node:http';
import type { Server } from '../server/server.js';
import { serveNodeRequest } from './node-http.js';

/** The development HTTP server: the same core behind Node's http module. */
export function createHttpServer(server: Server): http.Server {
  const httpServer = http.createServer((req, res) => {
    void serveNodeRequest(server, req, res);
  });
  httpServer.keepAliveTimeout = 5000;
  return httpServer;
}
