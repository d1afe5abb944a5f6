// Marks the page as having JavaScript before GOV.UK Frontend styles render (kept out of the
// page so the Content-Security-Policy needs no inline scripts).
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
