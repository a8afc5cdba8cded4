// The cookbook's CUSTOM service.

export function serverClassFactory(serverIface, ows) {
  class CustomServiceService extends ows.Service {
    name() {
      return 'CUSTOM';
    }
    version() {
      return '1.0.0';
    }
    allowMethod() {
      return true;
    }
    executeRequest(request, response) {
      response.setStatusCode(200);
      serverIface.log().info('Custom service executeRequest');
      response.setHeader('Content-Type', 'text/plain; charset=utf-8');
      response.write('Custom service executeRequest');
    }
  }
  serverIface.serviceRegistry().registerService(new CustomServiceService());
  return { name: 'CustomService' };
}
