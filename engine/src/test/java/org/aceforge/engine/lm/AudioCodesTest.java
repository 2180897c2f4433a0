package org.aceforge.engine.lm;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Pasted audio codes: both spellings, and a one-line reason for everything else. */
class AudioCodesTest {
    @Test
    void readsTokensAndNumbersAndWritesTokens() {
        assertArrayEquals(new long[]{5, 63999, 0}, AudioCodes.parse("<|audio_code_5|><|audio_code_63999|>\n<|audio_code_0|>"));
        assertArrayEquals(new long[]{5, 7, 9}, AudioCodes.parse(" 5, 7 9\n"));
        assertEquals("<|audio_code_5|><|audio_code_7|>", AudioCodes.format(new long[]{5, 7}));
        assertArrayEquals(new long[]{1, 2}, AudioCodes.parse(AudioCodes.format(new long[]{1, 2})));
    }

    @Test
    void refusesWhatIsNotACode() {
        for (String bad : new String[]{"", "  ", "<|audio_code_64000|>", "64000", "-1", "12 x 13", "<|audio_code_1|>junk",
                "junk<|audio_code_1|>", "<|audio_code_1|> <|im_end|>", "1.5"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AudioCodes.parse(bad), bad);
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }
}
