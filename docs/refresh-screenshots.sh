#!/usr/bin/env bash
# Refreshes the documentation screenshots in docs/images (the studio in both themes and every mode, the take
# lanes, each language, the settings dialog): runs the studio's UI test with its screenshot folder pointed here. `mvn -B test` never touches docs/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mvn -B -q -pl plugin-ui -am test -Dtest='StudioWindowTest,TakeLanesTest,LanguageLayoutTest,RenderOnServerSettingsTest,TrainingDialogTest' -Dsurefire.failIfNoSpecifiedTests=false \
    -Daceforge.screenshots="$root/docs/images"
echo "screenshots written to docs/images (review with git diff --stat docs/images)"
