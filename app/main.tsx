import { render } from 'preact';
import { App } from './ui/app';
import { start } from './ui/device-control';
import './ui/app.css';

const root = document.getElementById('root');
if (root) {
  render(<App />, root);
  void start();
}
