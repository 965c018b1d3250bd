/**
 * Editor side of the "wpkb chat" block, without a build step: WordPress's globals only. The block is
 * rendered by PHP (Wpkb_Chat_Embed::render_block); the editor shows a placeholder and the block's two
 * settings, mode and language.
 */
((wp) => {
  const { createElement: el, Fragment } = wp.element;
  const { __ } = wp.i18n;
  const { InspectorControls, useBlockProps } = wp.blockEditor;
  const { PanelBody, Placeholder, SelectControl, TextControl } = wp.components;

  const modes = () => [
    { value: 'inline', label: __('Inline', 'wpkb-connector') },
    { value: 'bubble', label: __('Floating bubble', 'wpkb-connector') },
  ];

  wp.blocks.registerBlockType('wpkb/chat', {
    edit: ({ attributes, setAttributes }) => {
      const mode = modes().find((option) => option.value === attributes.mode) ?? modes()[0];
      return el(
        Fragment,
        null,
        el(
          InspectorControls,
          null,
          el(
            PanelBody,
            { title: __('Chat', 'wpkb-connector') },
            el(SelectControl, {
              label: __('Mode', 'wpkb-connector'),
              value: attributes.mode,
              options: modes(),
              onChange: (value) => setAttributes({ mode: value }),
            }),
            el(TextControl, {
              label: __('Language', 'wpkb-connector'),
              help: __('A language code such as es or en; empty: the site language.', 'wpkb-connector'),
              value: attributes.lang,
              onChange: (value) => setAttributes({ lang: value.trim() }),
            }),
          ),
        ),
        el(
          'div',
          useBlockProps(),
          el(Placeholder, {
            icon: 'format-chat',
            label: __('wpkb chat', 'wpkb-connector'),
            instructions: mode.label,
          }),
        ),
      );
    },
    save: () => null,
  });
})(window.wp);
