/**
 * The script of the HTML pages (served as /assets/features.js): it finds the map elements a page declares and
 * draws them with OpenLayers (the global `ol` of ol.js, served beside it). No tiles and no CDN: features on a
 * plain background, so a page works offline. Kept as a string constant because tsc copies no .js asset to dist.
 *
 * A map element is <div data-map="features|extent|wms" data-source="ID">; ID names a
 * <script type="application/json"> element holding what to draw:
 *  - features: a GeoJSON FeatureCollection or Feature; data-crs (an OpenLayers projection code) and
 *    data-axis="lat-lon" say how to read its coordinates; a click on a feature opens the row with its
 *    data-feature-id, if the page has one;
 *  - extent: {"boxes": [[west, south, east, north], …]} in longitude / latitude;
 *  - wms: {"url": OWS URL, "capabilities": GetCapabilities URL}; the layers and the extent come from the
 *    capabilities, a list of check boxes (data-layer-list names its element) switches layers on and off.
 * Problems are told in the .map-status element next to the map, not thrown.
 */
/** The page script, as served. */
export const PAGE_SCRIPT = String.raw`/* ows-server: maps of the HTML pages (OpenLayers). */
(function () {
  'use strict';
  var STROKE = '#3182bd';
  var FILL = 'rgba(49, 130, 189, 0.3)';
  var WORLD = [-180, -85, 180, 85];

  var style = new ol.style.Style({
    fill: new ol.style.Fill({ color: FILL }),
    stroke: new ol.style.Stroke({ color: STROKE, width: 2 }),
    image: new ol.style.Circle({
      radius: 5,
      fill: new ol.style.Fill({ color: STROKE }),
      stroke: new ol.style.Stroke({ color: '#ffffff', width: 1 })
    })
  });

  function status(el, text) {
    var node = el.parentNode && el.parentNode.querySelector('.map-status');
    if (!node) return;
    node.textContent = text;
    node.hidden = !text;
  }

  function readJson(id) {
    var node = id && document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function newMap(el, layers) {
    return new ol.Map({ target: el, layers: layers, view: new ol.View({ center: [0, 0], zoom: 1 }) });
  }

  /** A longitude / latitude box in web mercator (latitudes clamped to what the projection can show). */
  function toView(box) {
    var east = box[2] < box[0] ? box[2] + 360 : box[2];
    return ol.proj.transformExtent([box[0], Math.max(-85, box[1]), east, Math.min(85, box[3])], 'EPSG:4326', 'EPSG:3857');
  }

  function fit(map, extent) {
    if (!extent || ol.extent.isEmpty(extent) || !isFinite(extent[0]) || !isFinite(extent[3])) return false;
    map.getView().fit(extent, { padding: [24, 24, 24, 24], maxZoom: 16 });
    return true;
  }

  function swapAxes(input, output, dimension, stride) {
    var out = output || input;
    var step = stride || dimension || 2;
    for (var i = 0; i + 1 < input.length; i += step) {
      var first = input[i];
      out[i] = input[i + 1];
      out[i + 1] = first;
    }
    return out;
  }

  function featureLink(id) {
    if (id === undefined || id === null) return null;
    var rows = document.querySelectorAll('[data-feature-id]');
    for (var i = 0; i < rows.length; i++) {
      if (rows[i].getAttribute('data-feature-id') === String(id)) {
        var a = rows[i].querySelector('a[href]');
        return a ? a.href : null;
      }
    }
    return null;
  }

  function featuresMap(el) {
    var data = readJson(el.getAttribute('data-source'));
    var crs = el.getAttribute('data-crs') || 'EPSG:4326';
    var latLon = el.getAttribute('data-axis') === 'lat-lon';
    var features = data ? new ol.format.GeoJSON().readFeatures(data, { dataProjection: crs, featureProjection: crs }) : [];
    features.forEach(function (feature) {
      var geometry = feature.getGeometry();
      if (!geometry) return;
      if (latLon) geometry.applyTransform(swapAxes);
      geometry.transform(crs, 'EPSG:3857');
    });
    var source = new ol.source.Vector({ features: features });
    var map = newMap(el, [new ol.layer.Vector({ source: source, style: style })]);
    if (!fit(map, source.getExtent())) {
      fit(map, toView(WORLD));
      status(el, features.length ? 'These features have no geometry.' : 'No features to draw.');
    }
    map.on('pointermove', function (event) {
      var link = null;
      map.forEachFeatureAtPixel(event.pixel, function (feature) {
        link = featureLink(feature.getId());
        return link !== null;
      });
      el.style.cursor = link ? 'pointer' : '';
    });
    map.on('click', function (event) {
      map.forEachFeatureAtPixel(event.pixel, function (feature) {
        var link = featureLink(feature.getId());
        if (link) window.location.href = link;
        return link !== null;
      });
    });
  }

  function extentMap(el) {
    var data = readJson(el.getAttribute('data-source'));
    var boxes = (data && data.boxes) || [];
    var features = boxes.map(function (box) {
      return new ol.Feature(ol.geom.Polygon.fromExtent(toView(box)));
    });
    var source = new ol.source.Vector({ features: features });
    var map = newMap(el, [new ol.layer.Vector({ source: source, style: style })]);
    if (!fit(map, source.getExtent())) {
      fit(map, toView(WORLD));
      status(el, 'The collection has no spatial extent.');
    }
  }

  function union(layers) {
    var box = null;
    layers.forEach(function (layer) {
      var b = layer.EX_GeographicBoundingBox;
      if (!b) return;
      box = box ? [Math.min(box[0], b[0]), Math.min(box[1], b[1]), Math.max(box[2], b[2]), Math.max(box[3], b[3])] : b.slice();
    });
    return box;
  }

  function layerList(node, layers, source, layer) {
    if (!node) return;
    function update() {
      var names = [];
      node.querySelectorAll('input[type=checkbox]').forEach(function (box) { if (box.checked) names.push(box.value); });
      layer.setVisible(names.length > 0);
      if (names.length) source.updateParams({ LAYERS: names.join(',') });
    }
    layers.forEach(function (l) {
      var item = document.createElement('li');
      var label = document.createElement('label');
      var box = document.createElement('input');
      box.type = 'checkbox';
      box.checked = true;
      box.value = l.Name;
      box.addEventListener('change', update);
      label.appendChild(box);
      label.appendChild(document.createTextNode(' ' + (l.Title || l.Name)));
      item.appendChild(label);
      node.appendChild(item);
    });
  }

  function wmsMap(el) {
    var conf = readJson(el.getAttribute('data-source'));
    status(el, 'Reading the WMS capabilities…');
    fetch(conf.capabilities, { credentials: 'same-origin' }).then(function (response) {
      if (!response.ok) throw new Error('GetCapabilities answered HTTP ' + response.status);
      return response.text();
    }).then(function (text) {
      var caps = new ol.format.WMSCapabilities().read(text);
      var root = caps && caps.Capability && caps.Capability.Layer;
      if (!root) throw new Error('the capabilities have no layers');
      var layers = root.Name ? [root] : (root.Layer || []).filter(function (l) { return l.Name; });
      if (!layers.length) throw new Error('the project publishes no WMS layer');
      var source = new ol.source.ImageWMS({
        url: conf.url,
        params: { LAYERS: layers.map(function (l) { return l.Name; }).join(','), FORMAT: 'image/png', TRANSPARENT: true },
        ratio: 1
      });
      source.on('imageloadstart', function () { status(el, 'Loading the map…'); });
      source.on('imageloadend', function () { status(el, ''); });
      source.on('imageloaderror', function () { status(el, 'The WMS GetMap request failed.'); });
      var image = new ol.layer.Image({ source: source });
      var map = newMap(el, [image]);
      var box = root.EX_GeographicBoundingBox || union(layers);
      if (!box || !fit(map, toView(box))) fit(map, toView(WORLD));
      layerList(document.getElementById(el.getAttribute('data-layer-list')), layers, source, image);
    }).catch(function (err) {
      status(el, 'The map cannot be shown: ' + (err && err.message ? err.message : err));
    });
  }

  var kinds = { features: featuresMap, extent: extentMap, wms: wmsMap };
  document.querySelectorAll('[data-map]').forEach(function (el) {
    var draw = kinds[el.getAttribute('data-map')];
    if (!draw) return;
    try {
      draw(el);
    } catch (err) {
      status(el, 'The map cannot be shown: ' + (err && err.message ? err.message : err));
    }
  });
})();
`;
