/* global document, fetch, setTimeout, qrcode -- a browser script served by the PHP stub */
// Order page: draws the Kaspi QR from its token (qrcode.js is served by the stub, no CDN) and polls
// /local/api/order-status.php every StatusPollingInterval seconds until the order is final; a remote
// invoice's status is asked only when the customer presses "check payment" (no timer: Kaspi forbids it).
(function () {
  'use strict';
  var qr = document.querySelector('[data-testid="qr-image"]');
  if (qr && typeof qrcode === 'function') {
    var code = qrcode(0, 'M');
    code.addData(qr.getAttribute('data-qr-token'), 'Byte');
    code.make();
    qr.innerHTML = code.createSvgTag({ cellSize: 4, margin: 4, scalable: true });
  }
  var status = document.querySelector('[data-testid="order-status"]');
  if (!status || status.getAttribute('data-final') === 'true') return;
  var id = status.getAttribute('data-order-id');
  function show(order) {
    status.textContent = order.display;
    status.setAttribute('data-status-id', order.statusId);
    status.setAttribute('data-payed', order.payed);
    status.setAttribute('data-kaspi-status', order.kaspiStatus);
    status.setAttribute('data-final', String(order.final));
  }
  var check = document.querySelector('[data-testid="check-payment"]');
  if (status.getAttribute('data-check') === 'on-request') {
    if (!check) return;
    check.addEventListener('click', function () {
      check.disabled = true;
      fetch('/local/api/order-status.php?id=' + encodeURIComponent(id), { cache: 'no-store' })
        .then(function (response) { return response.json(); })
        .then(function (body) { if (body.ok) show(body.order); })
        .catch(function () { return undefined; })
        .then(function () { check.disabled = status.getAttribute('data-final') === 'true'; });
    });
    return;
  }
  function poll(delaySeconds) {
    setTimeout(function () {
      fetch('/local/api/order-status.php?id=' + encodeURIComponent(id), { cache: 'no-store' })
        .then(function (response) { return response.json(); })
        .then(function (body) {
          if (!body.ok) return poll(delaySeconds);
          show(body.order);
          if (!body.order.final) poll(body.order.pollingInterval);
        })
        .catch(function () { poll(delaySeconds); });
    }, delaySeconds * 1000);
  }
  poll(Number(status.getAttribute('data-polling-interval')) || 5);
})();
