#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Debian's virt-manager with its New-VM wizard filled in and finished:
run as `vmm-newvm.py [virt-manager's options] --show-domain-creator` in
place of /usr/bin/virt-manager (which only imports virtManager and calls
runcli, as this does).  virt-manager has no option that completes the
wizard, so once the wizard shows, this clicks through it the way a user
does, by the wizard's own widgets: "Import existing disk image", the
disk VK_NEWVM_DISK, the OS linux2022, VK_NEWVM_MEM MiB, the name
VK_NEWVM_NAME, Finish; everything else stays virt-manager's default.
Each step logs "vmm-newvm: <step>" to stdout beside virt-manager's
--debug log, for the test to wait on (test-virt-manager-newvm.py)."""

import os
import sys

sys.path.insert(0, "/usr/share/virt-manager")
from virtManager import virtmanager  # noqa: E402

DISK = os.environ["VK_NEWVM_DISK"]
NAME = os.environ["VK_NEWVM_NAME"]
MEM = int(os.environ.get("VK_NEWVM_MEM", "256"))


def say(what):
    print("vmm-newvm: " + what, flush=True)


class Driver:
    """One step per tick of a GLib timeout, each once the wizard is on the
    page that step expects (a forward click is handled by the main loop
    between ticks)."""

    def __init__(self, wiz):
        self.wiz = wiz
        self.step = 0

    def page(self):
        return self.wiz.widget("create-pages").get_current_page()

    def tick(self):
        w = self.wiz.widget
        if self.step == 0:
            # the connection is up and the wizard is ready for a method
            if not self.wiz.conn or not w("create-forward").get_sensitive() or \
                    self.page() != createvm.PAGE_NAME:
                return True
            w("method-import").set_active(True)
            w("create-forward").clicked()
            say("method import")
        elif self.step == 1:
            if self.page() != createvm.PAGE_INSTALL:
                return True
            w("install-import-entry").set_text(DISK)
            self.wiz._os_list.select_os(virtinst.OSDB.lookup_os("linux2022"))
            w("create-forward").clicked()
            say("disk %s, os linux2022" % DISK)
        elif self.step == 2:
            if self.page() != createvm.PAGE_MEM:
                return True
            w("mem").set_value(MEM)
            w("cpus").set_value(1)
            w("create-forward").clicked()
            say("memory %d MiB, 1 vcpu" % MEM)
        elif self.step == 3:
            if self.page() != createvm.PAGE_FINISH:
                return True
            w("create-vm-name").set_text(NAME)
            w("create-finish").clicked()
            say("finish %s" % NAME)
            return False
        self.step += 1
        return True


def patch_wizard():
    """Makes the wizard drive itself once it shows."""
    show_orig = createvm.vmmCreateVM.show

    def show(self, *args, **kwargs):
        show_orig(self, *args, **kwargs)
        if not getattr(self, "_vk_driver", None):
            self._vk_driver = Driver(self)
            GLib.timeout_add(200, self._vk_driver.tick)
            say("wizard shown")

    createvm.vmmCreateVM.show = show


_import_gtk = virtmanager._import_gtk


def import_gtk(*args, **kwargs):
    """virtManager's modules import only once GTK is set up by main():
    the wizard's is patched right after that."""
    global GLib, createvm, virtinst
    ret = _import_gtk(*args, **kwargs)
    from gi.repository import GLib
    from virtManager import createvm
    import virtinst
    patch_wizard()
    return ret


virtmanager._import_gtk = import_gtk
virtmanager.runcli()
