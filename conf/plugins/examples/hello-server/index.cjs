'use strict';
// The cookbook's HelloServer plugin, as CommonJS with a plain-object filter (duck typing).

class HelloFilter {
  constructor(serverIface) {
    this.iface = serverIface;
  }
  serverInterface() {
    return this.iface;
  }
  requestReady() {
    this.iface.log().debug('HelloFilter.requestReady');
  }
  sendResponse() {
    this.iface.log().debug('HelloFilter.sendResponse');
  }
  responseComplete() {
    this.iface.log().debug('HelloFilter.responseComplete');
    const request = this.serverInterface().requestHandler();
    const params = request.parameterMap();
    if ((params.get('SERVICE') || '').toUpperCase() === 'HELLO') {
      request.clear();
      request.setResponseHeader('Content-type', 'text/plain');
      request.appendBody(Buffer.from('HelloServer!'));
    }
  }
}

class HelloServerServer {
  constructor(serverIface) {
    serverIface.registerFilter(new HelloFilter(serverIface), 100);
  }
}

exports.serverClassFactory = function serverClassFactory(serverIface) {
  return new HelloServerServer(serverIface);
};
