// The cookbook's ParamsFilter, as an ESM subclass of the library's ServerFilter.

export function serverClassFactory(serverIface, ows) {
  class ParamsFilter extends ows.ServerFilter {
    requestReady() {
      const request = this.serverInterface().requestHandler();
      request.setParameter('TEST_NEW_PARAM', 'ParamsFilter');
    }
    responseComplete() {
      const request = this.serverInterface().requestHandler();
      const params = request.parameterMap();
      const ok = params.get('TEST_NEW_PARAM') === 'ParamsFilter';
      serverIface.log().info(ok ? 'SUCCESS - ParamsFilter.responseComplete' : 'FAIL    - ParamsFilter.responseComplete');
      request.setResponseHeader('X-Params-Filter', ok ? 'SUCCESS' : 'FAIL');
    }
  }
  serverIface.registerFilter(new ParamsFilter(serverIface), 50);
  return { name: 'ParamsFilter' };
}
