#!KAMAILIO
#
# Kamailio as a record-routing P-CSCF in front of the calling UE for the
# interop tests (test/interop/scscf-release.interop.test.ts): it stays on the
# path of the dialog, so that the S-CSCF's stored route set towards the
# calling user is not empty, and sends every initial request on to the
# S-CSCF ({{nextHop}}). Filled in and started like scscf.cfg.tpl.

debug=2
log_stderror=yes
fork=yes
children=1
auto_aliases=no
dns=no
rev_dns=no
use_dns_cache=no
disable_tcp=yes
disable_sctp=yes
listen=udp:{{address}}:{{port}}
alias="pcscf.interop.test"

mpath="/usr/lib/x86_64-linux-gnu/kamailio/modules/"

loadmodule "kex.so"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "pv.so"
loadmodule "xlog.so"
loadmodule "ctl.so"

# kamcmd talks to this instance only, through its own socket.
modparam("ctl", "binrpc", "unix:{{ctlSocket}}")
# RFC 3261 16.6 step 4: Record-Route with lr.
modparam("rr", "enable_full_lr", 0)
modparam("rr", "append_fromtag", 0)
# Quick transaction timers, so a lost peer fails the test within seconds.
modparam("tm", "fr_timer", 3000)
modparam("tm", "fr_inv_timer", 8000)

request_route {
	# RFC 3261 16.3 step 3: Max-Forwards.
	if (!mf_process_maxfwd_header("10")) {
		sl_send_reply("483", "Too Many Hops");
		exit;
	}

	# Readiness probe of the harness: OPTIONS to the proxy itself.
	if (is_method("OPTIONS") && uri == myself && $rU == $null) {
		sl_send_reply("200", "Ready");
		exit;
	}

	# RFC 3261 16.10: CANCEL follows its INVITE transaction.
	if (is_method("CANCEL")) {
		if (t_check_trans()) {
			t_relay();
		}
		exit;
	}

	# RFC 3261 16.12: in-dialog requests follow the route set.
	if (has_totag()) {
		if (loose_route()) {
			if (!t_relay()) {
				sl_reply_error();
			}
			exit;
		}
		if (is_method("ACK")) {
			if (t_check_trans()) {
				t_relay();
			}
			exit;
		}
		sl_send_reply("404", "Not here");
		exit;
	}

	if (is_present_hf("Route")) {
		loose_route();
	}
	if (is_method("INVITE")) {
		# TS 24.229 5.2.6.3: the P-CSCF record-routes and sends the request on to the S-CSCF.
		record_route();
		$du = "sip:{{nextHop}}";
	}
	xlog("L_INFO", "relay $rm $ru\n");
	if (!t_relay()) {
		sl_reply_error();
	}
	exit;
}
