package org.aceforge.ui.studio;

import org.aceforge.engine.timeline.Region;
import org.aceforge.engine.jobs.RenderRequest;
import org.aceforge.engine.text.Prompts;

import javax.swing.BorderFactory;
import javax.swing.JCheckBox;
import javax.swing.JComboBox;
import javax.swing.JComponent;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.JSpinner;
import javax.swing.JTextArea;
import javax.swing.JTextField;
import javax.swing.SpinnerNumberModel;
import javax.swing.event.DocumentEvent;
import javax.swing.event.DocumentListener;
import javax.swing.undo.UndoManager;
import java.awt.GridBagConstraints;
import java.awt.GridBagLayout;
import java.awt.Insets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields of the selected mode, grouped as a musician reads them (what to make, the music's facts, the source
 * options, the diffusion settings); a mode shows only its fields. Turns the fields into a render request. EDT only.
 */
public final class ModePanel extends JPanel implements javax.swing.Scrollable {
    private final Map<String, JComponent[]> rows = new LinkedHashMap<>();
    final JTextArea description = area(3);
    final JTextField caption = new JTextField(20);
    final JTextArea lyrics = area(6);
    final JCheckBox instrumental = new JCheckBox();
    final JComboBox<String> language = new JComboBox<>(languages());
    final JTextField bpm = new JTextField(5), key = new JTextField(8);
    final JComboBox<String> timesig = new JComboBox<>(new String[]{"", "2", "3", "4", "6"});
    final JSpinner duration = new JSpinner(new SpinnerNumberModel(30.0, 10.0, 600.0, 1.0));
    /** Duration −1: the LM chooses it (or the reference's random 10–120 s without an LM). */
    final JCheckBox durationAuto = new JCheckBox();
    final JTextField ref = new JTextField(24);
    final JSpinner batch = new JSpinner(new SpinnerNumberModel(2, 1, 8, 1));
    final JTextField seed = new JTextField("-1", 14);
    final JSpinner steps = new JSpinner(new SpinnerNumberModel(8, 1, 200, 1));
    final JSpinner shift = new JSpinner(new SpinnerNumberModel(3.0, 1.0, 5.0, 0.5));
    final JComboBox<String> method = new JComboBox<>(new String[]{"ode", "sde"});
    final JSpinner guidance = new JSpinner(new SpinnerNumberModel(7.0, 1.0, 30.0, 0.5));
    final JSpinner strength = new JSpinner(new SpinnerNumberModel(0.5, 0.0, 1.0, 0.05));
    final JSpinner noise = new JSpinner(new SpinnerNumberModel(0.0, 0.0, 1.0, 0.05));
    final JComboBox<String> repaintMode = new JComboBox<>(new String[]{"balanced", "conservative", "aggressive"});
    /** The engine's track ids, vocals first, shown by their names in the UI language. */
    static final List<String> TRACK_ORDER = trackOrder();
    final JComboBox<String> track = new JComboBox<>(TRACK_ORDER.toArray(new String[0]));
    final Map<String, JCheckBox> tracks = new LinkedHashMap<>();
    /** LM code hints: codes the DiT follows (pasted, from the source, or from a result), and for how much of the steps. */
    final JTextArea codes = area(2);
    final JSpinner codeStrength = new JSpinner(new SpinnerNumberModel(1.0, 0.0, 1.0, 0.05));
    final javax.swing.JButton fromSource = new javax.swing.JButton(), transcribe = new javax.swing.JButton();
    /** "Format" (the LM rewrites caption and lyrics) and the random example (🎲). */
    final javax.swing.JButton format = new javax.swing.JButton(), randomExample = new javax.swing.JButton();
    final JComboBox<String> audioFormat = new JComboBox<>(new String[]{"wav", "flac", "mp3"});
    final JTextField timesteps = new JTextField(24);
    final JCheckBox adg = new JCheckBox();
    final JSpinner cfgStart = new JSpinner(new SpinnerNumberModel(0.0, 0.0, 1.0, 0.05)), cfgEnd = new JSpinner(new SpinnerNumberModel(1.0, 0.0, 1.0, 0.05));
    /** Opens and closes the Advanced section (shift, custom timesteps, ADG, CFG interval). */
    final javax.swing.JToggleButton advanced = new javax.swing.JToggleButton();
    private Mode mode = Mode.CUSTOM;
    private ValueEdits edits;
    private Runnable onChange = () -> {};

    public ModePanel(UndoManager undo) {
        super(new GridBagLayout());
        setBorder(BorderFactory.createEmptyBorder(4, 4, 4, 4));
        JPanel trackBoxes = new JPanel(new java.awt.GridLayout(0, 4));
        named(repaintMode, "repaintMode.");
        named(method, "method.");
        track.setRenderer(new javax.swing.DefaultListCellRenderer() {
            @Override
            public java.awt.Component getListCellRendererComponent(javax.swing.JList<?> list, Object value, int index,
                                                                   boolean selected, boolean focus) {
                return super.getListCellRendererComponent(list, value == null ? "" : trackName(value.toString()), index, selected, focus);
            }
        });
        for (String t : TRACK_ORDER) {
            JCheckBox b = new JCheckBox(trackName(t));
            tracks.put(t, b);
            trackBoxes.add(b);
        }
        int y = 0;
        y = row(y, "description", new JScrollPane(description));
        format.setText(I18n.t("field.format"));
        format.setName("format");
        format.setToolTipText(I18n.t("field.format.tip"));
        randomExample.setName("randomExample");
        randomExample.setText(I18n.t("field.randomExample"));
        randomExample.setToolTipText(I18n.t("field.randomExample.tip"));
        JPanel captionRow = new JPanel(new java.awt.BorderLayout(4, 0));
        captionRow.add(caption, java.awt.BorderLayout.CENTER);
        JPanel captionTools = new JPanel(new java.awt.FlowLayout(java.awt.FlowLayout.LEFT, 2, 0));
        captionTools.add(format);
        captionTools.add(randomExample);
        captionRow.add(captionTools, java.awt.BorderLayout.EAST);
        y = row(y, "caption", captionRow);
        y = row(y, "lyrics", new JScrollPane(lyrics));
        y = row(y, "instrumental", instrumental);
        y = row(y, "language", language);
        y = row(y, "bpm", bpm);
        y = row(y, "key", key);
        y = row(y, "timesig", timesig);
        JPanel durationRow = new JPanel(new java.awt.BorderLayout(6, 0));
        durationRow.add(duration, java.awt.BorderLayout.CENTER);
        durationAuto.setText(I18n.t("field.durationAuto"));
        durationAuto.setName("durationAuto");
        durationAuto.addItemListener(e -> { duration.setEnabled(!durationAuto.isSelected()); onChange.run(); });
        durationRow.add(durationAuto, java.awt.BorderLayout.EAST);
        y = row(y, "duration", durationRow);
        y = row(y, "ref", ref);
        fromSource.setText(I18n.t("field.codesFromSource"));
        fromSource.setName("codesFromSource");
        transcribe.setText(I18n.t("field.transcribe"));
        transcribe.setName("transcribe");
        transcribe.setToolTipText(I18n.t("field.transcribe.tip"));
        JPanel codesRow = new JPanel(new java.awt.BorderLayout(4, 0));
        codesRow.add(new JScrollPane(codes), java.awt.BorderLayout.CENTER);
        JPanel codeTools = new JPanel(new java.awt.GridLayout(2, 1, 0, 2));
        codeTools.add(fromSource);
        codeTools.add(transcribe);
        codesRow.add(codeTools, java.awt.BorderLayout.EAST);
        y = row(y, "codes", codesRow);
        y = row(y, "codeStrength", codeStrength);
        y = row(y, "repaintMode", repaintMode);
        repaintMode.setToolTipText(I18n.t("field.repaintMode.tip"));
        y = row(y, "strength", strength);
        y = row(y, "noise", noise);
        y = row(y, "track", track);
        y = row(y, "tracks", trackBoxes);
        y = row(y, "batch", batch);
        y = row(y, "seed", seed);
        y = row(y, "steps", steps);
        y = row(y, "method", method);
        y = row(y, "guidance", guidance);
        y = row(y, "audioFormat", audioFormat);
        // The sampler's internals, closed by default.
        advanced.setName("advanced");
        advanced.setText(I18n.t("field.advanced"));
        advanced.setToolTipText(I18n.t("field.advanced.tip"));
        advanced.addActionListener(e -> show(mode));
        GridBagConstraints at = new GridBagConstraints();
        at.gridy = y++;
        at.gridx = 0;
        at.gridwidth = 2;
        at.anchor = GridBagConstraints.WEST;
        at.insets = new Insets(6, 4, 2, 4);
        add(advanced, at);
        y = row(y, "shift", shift);
        y = row(y, "timesteps", timesteps);
        adg.setText(I18n.t("field.adg.box"));
        y = row(y, "adg", adg);
        JPanel interval = new JPanel(new java.awt.GridLayout(1, 2, 4, 0));
        interval.add(cfgStart);
        interval.add(cfgEnd);
        y = row(y, "cfgInterval", interval);
        GridBagConstraints filler = new GridBagConstraints();
        filler.gridy = y;
        filler.weighty = 1;
        add(new JPanel(), filler);
        for (JTextField f : List.of(caption, bpm, key, ref, seed, timesteps)) f.getDocument().addUndoableEditListener(undo);
        for (JTextArea a : List.of(lyrics, description, codes)) a.getDocument().addUndoableEditListener(undo);
        DocumentListener dl = new DocumentListener() {
            public void insertUpdate(DocumentEvent e) { onChange.run(); }
            public void removeUpdate(DocumentEvent e) { onChange.run(); }
            public void changedUpdate(DocumentEvent e) { onChange.run(); }
        };
        for (JTextField f : List.of(caption, bpm, key, ref, seed, timesteps)) f.getDocument().addDocumentListener(dl);
        for (JTextArea a : List.of(lyrics, description, codes)) a.getDocument().addDocumentListener(dl);
        for (JSpinner s : List.of(duration, batch, steps, shift, guidance, strength, noise, codeStrength, cfgStart, cfgEnd))
            s.addChangeListener(e -> onChange.run());
        edits = new ValueEdits(undo);
        for (JSpinner sp : List.of(duration, batch, steps, shift, guidance, strength, noise, codeStrength, cfgStart, cfgEnd)) edits.track(sp);
        for (JComboBox<?> c : List.of(language, timesig, method, repaintMode, track, audioFormat)) edits.track(c);
        for (JCheckBox b : List.of(instrumental, durationAuto, adg)) edits.track(b);
        tracks.values().forEach(edits::track);
        randomExample.addActionListener(e -> {
            List<Map<String, String>> ex = Presets.examples();
            if (!ex.isEmpty()) apply(ex.get(new java.util.Random().nextInt(ex.size())));
        });
        show(Mode.CUSTOM);
    }

    /** Vocals first, then the rhythm section, then the rest: the engine's list (Prompts.TRACKS) read from its end. */
    private static List<String> trackOrder() {
        List<String> l = new ArrayList<>(Prompts.TRACKS);
        java.util.Collections.reverse(l);
        return List.copyOf(l);
    }

    /** Shows a combo's values (the engine's words) by their names in the UI language, where messages have them. */
    static void named(JComboBox<String> box, String prefix) {
        box.setRenderer(new javax.swing.DefaultListCellRenderer() {
            @Override
            public java.awt.Component getListCellRendererComponent(javax.swing.JList<?> list, Object value, int index,
                                                                   boolean selected, boolean focus) {
                String id = value == null ? "" : value.toString(), name = I18n.t(prefix + id);
                return super.getListCellRendererComponent(list, name.equals(prefix + id) ? id : name, index, selected, focus);
            }
        });
    }

    /** A track's name in the UI language ("backing_vocals" → "Backing vocals", "和声", "バックボーカル"). */
    static String trackName(String id) {
        String name = I18n.t("track." + id);
        return name.equals("track." + id) ? id : name;
    }

    /** unknown first, then the common ones, then every other code the engine accepts. */
    private static String[] languages() {
        List<String> l = new ArrayList<>(List.of("unknown", "en", "zh", "ja", "ko", "es", "fr", "de", "it", "pt", "ru"));
        org.aceforge.engine.jobs.Music.LANGUAGES.stream().sorted().filter(x -> !l.contains(x)).forEach(l::add);
        return l.toArray(new String[0]);
    }

    private static JTextArea area(int rows) {
        JTextArea a = new JTextArea(rows, 36);
        a.setLineWrap(true);
        a.setWrapStyleWord(true);
        return a;
    }

    private int row(int y, String key, JComponent field) {
        JLabel label = new JLabel(I18n.t("field." + key));
        label.setLabelFor(field);
        field.setName(key);
        // When the form is narrower than it would like, GridBag falls back to minimum sizes: keep every row's height.
        field.setMinimumSize(new java.awt.Dimension(60, field.getPreferredSize().height));
        GridBagConstraints c = new GridBagConstraints();
        c.insets = new Insets(2, 4, 2, 4);
        c.gridy = y;
        c.gridx = 0;
        c.anchor = GridBagConstraints.NORTHWEST;
        c.weighty = 0;
        add(label, c);
        c.gridx = 1;
        c.weightx = 1;
        c.fill = GridBagConstraints.HORIZONTAL;
        add(field, c);
        rows.put(key, new JComponent[]{label, field});
        return y + 1;
    }

    // Scrollable: the form follows the width of its scroll pane (fields shrink instead of a sideways scroll bar).
    @Override public java.awt.Dimension getPreferredScrollableViewportSize() { return getPreferredSize(); }
    @Override public int getScrollableUnitIncrement(java.awt.Rectangle r, int orientation, int direction) { return 16; }
    @Override public int getScrollableBlockIncrement(java.awt.Rectangle r, int orientation, int direction) { return r.height - 32; }
    @Override public boolean getScrollableTracksViewportWidth() { return true; }
    @Override public boolean getScrollableTracksViewportHeight() { return false; }

    public void onChange(Runnable r) { onChange = r; }

    public Mode mode() { return mode; }

    /** Shows only the fields of a mode. */
    public void show(Mode m) {
        Mode before = mode;
        mode = m;
        boolean open = advanced.isSelected();
        advanced.setText(I18n.t("field.advanced") + (open ? " ▾" : " ▸"));
        rows.forEach((k, comps) -> {
            boolean visible = m.fields.contains(k) && (open || !Mode.ADVANCED.contains(k));
            for (JComponent c : comps) c.setVisible(visible);
        });
        // A mode's own starting values are not edits of the user's (Ctrl+Z does not walk back a mode switch).
        if (edits != null) edits.quietly(() -> modeDefaults(m, before));
        else modeDefaults(m, before);
        revalidate();
        repaint();
    }

    private void modeDefaults(Mode m, Mode before) {
        if (m == Mode.REMIX) strength.setValue(1.0);
        if (m != before) {   // Simple lets the LM choose the length by default; Custom starts from a fixed one
            durationAuto.setSelected(m == Mode.SIMPLE);
            duration.setEnabled(m != Mode.SIMPLE);
        }
        if (m == Mode.REPAINT) strength.setValue(0.5);
        revalidate();
        repaint();
    }

    public void setTurbo(boolean turbo) {
        if (edits != null) edits.quietly(() -> steps.setValue(turbo ? 8 : 32));
        else steps.setValue(turbo ? 8 : 32);
        steps.setEnabled(!turbo);      // turbo runs its 8-step schedule
        guidance.setEnabled(!turbo);
        adg.setEnabled(!turbo);
        cfgStart.setEnabled(!turbo);
        cfgEnd.setEnabled(!turbo);
        timesteps.setEnabled(turbo);   // custom schedules are snapped to turbo's table; base/SFT use steps and shift
        this.turbo = turbo;
    }

    private boolean turbo = true;

    /** The current field values by key (for presets and "apply these settings"). */
    public Map<String, String> values() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("caption", caption.getText());
        v.put("lyrics", lyrics.getText());
        v.put("description", description.getText());
        v.put("instrumental", Boolean.toString(instrumental.isSelected()));
        v.put("language", String.valueOf(language.getSelectedItem()));
        v.put("bpm", bpm.getText());
        v.put("key", key.getText());
        v.put("timesig", String.valueOf(timesig.getSelectedItem()));
        v.put("duration", durationAuto.isSelected() ? "-1" : duration.getValue().toString());
        v.put("batch", batch.getValue().toString());
        v.put("steps", steps.getValue().toString());
        v.put("shift", shift.getValue().toString());
        v.put("method", String.valueOf(method.getSelectedItem()));
        v.put("guidance", guidance.getValue().toString());
        v.put("strength", strength.getValue().toString());
        v.put("noise", noise.getValue().toString());
        v.put("repaintMode", String.valueOf(repaintMode.getSelectedItem()));
        v.put("track", String.valueOf(track.getSelectedItem()));
        v.put("codes", codes.getText());
        v.put("codeStrength", codeStrength.getValue().toString());
        v.put("audioFormat", String.valueOf(audioFormat.getSelectedItem()));
        v.put("timesteps", timesteps.getText());
        v.put("adg", Boolean.toString(adg.isSelected()));
        v.put("cfgStart", cfgStart.getValue().toString());
        v.put("cfgEnd", cfgEnd.getValue().toString());
        return v;
    }

    public void apply(Map<String, String> v) {
        if (v.containsKey("caption")) caption.setText(v.get("caption"));
        if (v.containsKey("lyrics")) lyrics.setText(v.get("lyrics"));
        if (v.containsKey("description")) description.setText(v.get("description"));
        if (v.containsKey("instrumental")) instrumental.setSelected(Boolean.parseBoolean(v.get("instrumental")));
        if (v.containsKey("language")) language.setSelectedItem(v.get("language"));
        if (v.containsKey("bpm")) bpm.setText(v.get("bpm"));
        if (v.containsKey("key")) key.setText(v.get("key"));
        if (v.containsKey("timesig")) timesig.setSelectedItem(v.get("timesig"));
        if (v.containsKey("duration")) {
            boolean auto = v.get("duration").strip().equals("-1") || v.get("duration").strip().equals("-1.0");
            durationAuto.setSelected(auto);
            duration.setEnabled(!auto);
            if (!auto) num(v, "duration", duration);
        }
        num(v, "batch", batch);
        num(v, "steps", steps);
        num(v, "shift", shift);
        num(v, "guidance", guidance);
        num(v, "strength", strength);
        num(v, "noise", noise);
        if (v.containsKey("method")) method.setSelectedItem(v.get("method"));
        if (v.containsKey("repaintMode")) repaintMode.setSelectedItem(v.get("repaintMode"));
        if (v.containsKey("track")) track.setSelectedItem(v.get("track"));
        if (v.containsKey("codes")) codes.setText(v.get("codes"));
        num(v, "codeStrength", codeStrength);
        if (v.containsKey("audioFormat")) audioFormat.setSelectedItem(v.get("audioFormat"));
        if (v.containsKey("timesteps")) timesteps.setText(v.get("timesteps"));
        if (v.containsKey("adg")) adg.setSelected(Boolean.parseBoolean(v.get("adg")));
        num(v, "cfgStart", cfgStart);
        num(v, "cfgEnd", cfgEnd);
    }

    private static void num(Map<String, String> v, String k, JSpinner s) {
        if (!v.containsKey(k)) return;
        try {
            Object cur = s.getValue();
            s.setValue(cur instanceof Integer ? (Object) (int) Double.parseDouble(v.get(k)) : (Object) Double.parseDouble(v.get(k)));
        } catch (IllegalArgumentException ignored) {
            // out-of-range preset values keep the current value
        }
    }

    /**
     * A render request from the fields. Bad values become IllegalArgumentExceptions whose message names the field
     * (the window shows it next to that field).
     */
    public RenderRequest.Builder request(Path source, List<Region> regions, String variant, Path modelDir) {
        return request(source, regions, variant, modelDir, mode, null);
    }

    /**
     * The request for {@code regions} in mode {@code m} with the form's values, the caption replaced by
     * {@code captionOverride} when it is not null (a region's own mode and caption, from the region list).
     */
    public RenderRequest.Builder request(Path source, List<Region> regions, String variant, Path modelDir, Mode m,
                                         String captionOverride) {
        Mode mode = m;
        String captionText = captionOverride != null ? captionOverride : caption.getText();
        RenderRequest.Builder b = RenderRequest.builder().task(mode.task).variant(variant)
                .caption(mode == Mode.SIMPLE ? null : captionText)
                .lyrics(lyrics.getText().isBlank() ? null : lyrics.getText()).instrumental(instrumental.isSelected())
                .language(String.valueOf(language.getSelectedItem())).batch((Integer) batch.getValue());
        if (modelDir != null) b.modelDir(modelDir);
        if (!bpm.getText().isBlank() && mode.fields.contains("bpm")) b.bpm(parseInt("bpm", bpm.getText()));
        if (!key.getText().isBlank() && mode.fields.contains("key")) b.key(key.getText().strip());
        String ts = String.valueOf(timesig.getSelectedItem());
        if (!ts.isBlank() && mode.fields.contains("timesig")) b.timeSignature(ts);
        if (mode.task == org.aceforge.engine.tasks.TaskKind.TEXT2MUSIC) b.duration(durationAuto.isSelected() ? -1 : (Double) duration.getValue());
        List<Long> seeds = new ArrayList<>();
        for (String s : seed.getText().split(",")) {
            if (s.isBlank()) continue;
            try {
                seeds.add(Long.parseLong(s.strip()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(I18n.t("field.seed") + ": " + I18n.t("error.notANumber") + " (" + s.strip() + ")");
            }
        }
        b.seeds(seeds);
        if (mode.fields.contains("steps") && !Mode.turbo(variant)) b.steps((Integer) steps.getValue());
        b.shift((Double) shift.getValue()).method(String.valueOf(method.getSelectedItem()));
        if (!Mode.turbo(variant)) b.guidance((Double) guidance.getValue());
        if (mode.needsSource()) b.source(source);
        if (mode.fields.contains("codes") && !codes.getText().isBlank()) {
            try {
                b.codes(org.aceforge.engine.lm.AudioCodes.parse(codes.getText()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(I18n.t("field.codes") + ": " + e.getMessage());
            }
            b.codeStrength((Double) codeStrength.getValue());
        }
        if (turbo && !timesteps.getText().isBlank()) {
            try {
                b.timesteps(java.util.Arrays.stream(timesteps.getText().split("[,\\s]+")).filter(s -> !s.isBlank())
                        .mapToDouble(Double::parseDouble).toArray());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(I18n.t("field.timesteps") + ": " + I18n.t("error.notANumber") + " (" + timesteps.getText() + ")");
            }
        }
        if (!turbo) b.adg(adg.isSelected()).cfgInterval((Double) cfgStart.getValue(), (Double) cfgEnd.getValue());
        if (!ref.getText().isBlank() && mode.fields.contains("ref")) b.reference(Path.of(ref.getText().strip()));
        switch (mode) {
            case REMIX -> b.strength((Double) strength.getValue()).noiseStrength((Double) noise.getValue());
            case REPAINT -> {
                b.repaintMode(String.valueOf(repaintMode.getSelectedItem())).strength((Double) strength.getValue());
                for (Region r : regions) b.region(r);
            }
            case EXTRACT -> b.track(String.valueOf(track.getSelectedItem()));
            case LEGO -> {
                b.track(String.valueOf(track.getSelectedItem()));
                if (!regions.isEmpty()) b.region(regions.get(0));
            }
            case COMPLETE -> b.tracks(tracks.entrySet().stream().filter(e -> e.getValue().isSelected()).map(Map.Entry::getKey).toList());
            default -> { }
        }
        return b;
    }

    private static int parseInt(String field, String text) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(I18n.t("field." + field) + ": " + I18n.t("error.notANumber") + " (" + text + ")");
        }
    }

    /** The component showing a field (for placing error messages beside it): the input itself, not its row. */
    public JComponent field(String key) {
        if (key.equals("caption")) return caption;
        if (key.equals("codes")) return codes;
        JComponent[] r = rows.get(key);
        return r == null ? null : r[1];
    }

    /** The row of a field (visible when the mode shows it). */
    JComponent row(String key) {
        JComponent[] r = rows.get(key);
        return r == null ? null : r[1];
    }

    /** The chosen audio file type: wav, flac or mp3. */
    public String audioFormat() {
        return String.valueOf(audioFormat.getSelectedItem());
    }
}
