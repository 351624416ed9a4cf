/* Thin client for the passkey ceremonies; the server builds every option and checks every answer. */
(function () {
  "use strict";

  var csrf = document.querySelector('meta[name="csrf-token"]');

  function b64urlToBuf(s) {
    s = s.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) s += "=";
    var bin = atob(s), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return bytes.buffer;
  }
  function bufToB64url(buf) {
    var bytes = new Uint8Array(buf), bin = "";
    for (var i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  // Fallbacks for browsers without PublicKeyCredential.parse*OptionsFromJSON / toJSON (older iOS).
  function creationOptions(json) {
    if (PublicKeyCredential.parseCreationOptionsFromJSON) return PublicKeyCredential.parseCreationOptionsFromJSON(json);
    json.challenge = b64urlToBuf(json.challenge);
    json.user.id = b64urlToBuf(json.user.id);
    (json.excludeCredentials || []).forEach(function (c) { c.id = b64urlToBuf(c.id); });
    return json;
  }
  function requestOptions(json) {
    if (PublicKeyCredential.parseRequestOptionsFromJSON) return PublicKeyCredential.parseRequestOptionsFromJSON(json);
    json.challenge = b64urlToBuf(json.challenge);
    (json.allowCredentials || []).forEach(function (c) { c.id = b64urlToBuf(c.id); });
    return json;
  }
  function credentialJSON(cred) {
    if (typeof cred.toJSON === "function") return cred.toJSON();
    var r = cred.response, out = { id: cred.id, rawId: bufToB64url(cred.rawId), type: cred.type,
      clientExtensionResults: cred.getClientExtensionResults(), response: { clientDataJSON: bufToB64url(r.clientDataJSON) } };
    if (r.attestationObject) {
      out.response.attestationObject = bufToB64url(r.attestationObject);
      if (r.getTransports) out.response.transports = r.getTransports();
    } else {
      out.response.authenticatorData = bufToB64url(r.authenticatorData);
      out.response.signature = bufToB64url(r.signature);
      if (r.userHandle) out.response.userHandle = bufToB64url(r.userHandle);
    }
    return out;
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf ? csrf.content : "" },
      body: JSON.stringify(body || {})
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        if (!res.ok) throw new Error(data.error || res.statusText);
        return data;
      });
    });
  }

  function showError(root, text) {
    var box = root.querySelector("[data-passkey-error]");
    box.textContent = text;
    box.hidden = false;
  }

  function supported(root) {
    if (window.PublicKeyCredential && navigator.credentials) return true;
    root.querySelector("[data-no-webauthn]").hidden = false;
    root.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    return false;
  }

  function failure(root, button) {
    return function (err) {
      if (button) button.disabled = false;
      if (err && (err.name === "NotAllowedError" || err.name === "AbortError")) showError(root, root.dataset.cancelled);
      else if (err && err.name === "InvalidStateError") showError(root, root.dataset.duplicate);
      else showError(root, (err && err.message) || root.dataset.failed);
    };
  }

  // Sign-in: a modal prompt on the button, and passkey autofill (conditional UI) where available.
  var login = document.getElementById("passkey-login");
  if (login && supported(login)) {
    var conditional = null;
    var finish = function (cred) {
      return post(login.dataset.finish, { credential: credentialJSON(cred) }).then(function (data) {
        window.location.assign(data.redirect);
      });
    };
    if (PublicKeyCredential.isConditionalMediationAvailable) {
      PublicKeyCredential.isConditionalMediationAvailable().then(function (ok) {
        if (!ok) return;
        login.querySelector("[data-conditional]").hidden = false;
        conditional = new AbortController();
        post(login.dataset.begin).then(function (opts) {
          return navigator.credentials.get({ mediation: "conditional", publicKey: requestOptions(opts), signal: conditional.signal });
        }).then(function (cred) { if (cred) return finish(cred); }).catch(function (err) {
          if (err && err.name !== "AbortError" && err.name !== "NotAllowedError") showError(login, err.message);
        });
      });
    }
    login.querySelector("[data-passkey-login]").addEventListener("click", function (event) {
      var button = event.currentTarget;
      button.disabled = true;
      // Only one request may be open: stop the autofill one first.
      if (conditional) { conditional.abort(); conditional = null; }
      post(login.dataset.begin).then(function (opts) {
        return navigator.credentials.get({ publicKey: requestOptions(opts) });
      }).then(finish).catch(failure(login, button));
    });
  }

  // Registration after an activation link or code.
  var register = document.getElementById("passkey-register");
  if (register && supported(register)) {
    register.querySelector("[data-passkey-register]").addEventListener("click", function (event) {
      var button = event.currentTarget;
      button.disabled = true;
      var label = register.querySelector("#passkey-label").value;
      post(register.dataset.begin).then(function (opts) {
        return navigator.credentials.create({ publicKey: creationOptions(opts) });
      }).then(function (cred) {
        return post(register.dataset.finish, { credential: credentialJSON(cred), label: label });
      }).then(function (data) { window.location.assign(data.redirect); }).catch(failure(register, button));
    });
  }
  // A fresh confirmation before a sensitive step (giving or withdrawing consent): the person's own passkey,
  // then the form is sent. Without script the form is sent as it is and the server asks for a new sign-in.
  document.querySelectorAll("form[data-passkey-confirm]").forEach(function (form) {
    if (!(window.PublicKeyCredential && navigator.credentials)) return;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button");
      button.disabled = true;
      post(form.dataset.begin).then(function (opts) {
        return navigator.credentials.get({ publicKey: requestOptions(opts) });
      }).then(function (cred) {
        return post(form.dataset.finish, { credential: credentialJSON(cred) });
      }).then(function () { form.submit(); }).catch(failure(form, button));
    });
  });
})();
