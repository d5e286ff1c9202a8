#!KAMAILIO
#
# Kamailio as a record-routing, dialog-stateful S-CSCF for the interop tests
# (test/interop/scscf-release.interop.test.ts). A template: the harness
# (test/interop/harness/kamailio.ts) fills the {{...}} placeholders with the
# test's own address, runtime dir and control socket and starts it in the
# foreground with one worker, so that it does not reorder messages.
#
# The dialog module stores what TS 24.229 5.4.5.1.2 says an S-CSCF stores
# (Contacts, From, To, Call-ID, CSeq per direction, route sets) and its RPC
# command dlg.end_dlg ends a dialog network-side by sending a BYE to each end:
# an independent implementation of the network-initiated release.

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
alias="scscf.interop.test"

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
loadmodule "dialog.so"

# kamcmd talks to this instance only, through its own socket.
modparam("ctl", "binrpc", "unix:{{ctlSocket}}")
# RFC 3261 16.6 step 4: Record-Route with lr; the From tag lets the dialog module match in-dialog requests.
modparam("rr", "enable_full_lr", 0)
modparam("rr", "append_fromtag", 1)
# Dialogs are matched by the rr "did" parameter, falling back to Call-ID and tags.
modparam("dialog", "dlg_match_mode", 1)
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
		# TS 24.229 5.4.3.2: the S-CSCF stays on the path of the dialog and stores its state.
		record_route();
		dlg_manage();
	}
	xlog("L_INFO", "relay $rm $ru\n");
	if (!t_relay()) {
		sl_reply_error();
	}
	exit;
}
