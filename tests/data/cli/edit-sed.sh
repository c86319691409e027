#!/bin/sh
# An $EDITOR for the *-edit cases: applies the sed script in $VK_SED.
exec sed -i -e "$VK_SED" "$1"
