// Sign-in page: fill the hidden coordinates from the phone's location (moved out of the page so
// the Content-Security-Policy can forbid inline script).
(function () {
  var s = document.getElementById('geo-state');
  var b = document.getElementById('signin-button');
  // A disabled button (after the cut-off, a day off, a stamped sheet) needs no location.
  if (!document.getElementById('signin-form') || !navigator.geolocation || (b && b.disabled)) { return; }
  navigator.geolocation.getCurrentPosition(function (p) {
    document.getElementById('lat').value = p.coords.latitude;
    document.getElementById('lng').value = p.coords.longitude;
    if (s) { s.textContent = '已获取位置（精度约 ' + Math.round(p.coords.accuracy) + ' 米）'; }
  }, function () { if (s) { s.textContent = '未能获取位置'; } }, {enableHighAccuracy: true, timeout: 8000});
})();
