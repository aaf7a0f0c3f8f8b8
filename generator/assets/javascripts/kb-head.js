/* Material's inline scripts, moved into a file so that the Content-Security-Policy in
 * deploy/nginx.conf can say script-src 'self' with no 'unsafe-inline' and no hashes (Material's
 * inline head script embeds the page's relative base URL, so its hash differs with page depth).
 * Loaded synchronously in <head> by partials/javascripts/base.html; the code after the scope is
 * Material 9.x's templates/partials/javascripts/{base,content}.html, unchanged. */
var __kb_me = document.currentScript, __kb_scope = __kb_me.getAttribute("data-md-scope");
/* This file lives in <site root>/assets/javascripts/, so "../.." is the site root: the value
 * Material computes as new URL(base_url, location), over http and from file:// alike. */
__md_scope=__kb_scope?new URL(__kb_scope,location):new URL("../..",__kb_me.src),__md_hash=e=>[...e].reduce(((e,_)=>(e<<5)-e+_.charCodeAt(0)),0),__md_get=(e,_=localStorage,t=__md_scope)=>JSON.parse(_.getItem(t.pathname+"."+e)),__md_set=(e,_,t=localStorage,a=__md_scope)=>{try{t.setItem(a.pathname+"."+e,JSON.stringify(_))}catch(e){}};
/* partials/javascripts/content.html: open the content tab named in the URL fragment. */
document.addEventListener("DOMContentLoaded",function(){var target=document.getElementById(location.hash.slice(1));target&&target.name&&(target.checked=target.name.startsWith("__tabbed_"))});
