package org.aceforge.engine.lm;

import java.util.HashMap;
import java.util.Map;

/**
 * What each token of the LM vocabulary spells, indexed for the constraints: text → ids (for forcing a field's value
 * through whatever tokenisation the model prefers), and the mask of tokens allowed in free text (no audio codes, no
 * chat or think markers, no backticks, nothing that decodes to nothing).
 */
final class TokenIndex {
    final String[] texts;
    final Map<String, int[]> byText = new HashMap<>();
    final boolean[] freeText;

    TokenIndex(LmTokenizer t) {
        texts = t.tokenTexts();
        freeText = new boolean[texts.length];
        Map<String, java.util.List<Integer>> ids = new HashMap<>();
        for (int i = 0; i < texts.length; i++) {
            String s = texts[i];
            if (s == null || s.isEmpty()) continue;
            ids.computeIfAbsent(s, k -> new java.util.ArrayList<>()).add(i);
            freeText[i] = !t.isAudioCode(i) && i != t.imStart && i != t.imEnd && i != t.think && i != t.thinkEnd
                    && !s.contains("`") && !s.startsWith("<|");
        }
        ids.forEach((k, v) -> byText.put(k, v.stream().mapToInt(Integer::intValue).toArray()));
    }

    String text(int id) {
        return id < texts.length ? texts[id] : "";
    }
}
